/** Factories for the child index: people with addresses, family and involvements, with their search keys made. */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { refreshMatchData } from '../../src/features/people/match-repository.ts';
import type { PersonInput } from '../../src/features/people/person-form.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { searchCoder } from '../../src/features/people/search.ts';
import { currentGuidance } from '../../src/features/threshold/repository.ts';

export interface PersonSpec extends Partial<PersonInput> {
  givenName: string;
  familyName: string;
  address?: { line1: string; postcode: string; town?: string };
  previousAddress?: { line1: string; postcode: string };
  shielded?: boolean;
  involvement?: { organisationId: string; userId?: string | null; role?: string; email?: string; phone?: string };
}

export async function createPerson(db: Kysely<DB>, spec: PersonSpec): Promise<string> {
  const input: PersonInput = {
    kind: 'child',
    middleNames: null,
    knownAs: null,
    dateOfBirth: null,
    expectedDateOfBirth: null,
    sex: 'U',
    gender: null,
    ethnicity: null,
    firstLanguage: null,
    interpreterNeeded: false,
    disabilities: [],
    nhsNumber: null,
    upn: null,
    laChildId: null,
    email: null,
    telephone: null,
    ...spec,
  };
  return db.transaction().execute(async (trx) => {
    const id = await registry.insertPerson(trx, input, null, new Date());
    if (spec.previousAddress) {
      const h = await registry.findOrCreateHousehold(trx, { ...spec.previousAddress, line2: null, town: null });
      await registry.moveTo(trx, id, h, '2015-01-01');
    }
    if (spec.address) {
      const a = {
        line1: spec.address.line1,
        line2: null,
        town: spec.address.town ?? null,
        postcode: spec.address.postcode,
      };
      await registry.moveTo(trx, id, await registry.findOrCreateHousehold(trx, a), '2020-01-01');
    }
    if (spec.shielded) await trx.updateTable('person').set({ shielded: true }).where('id', '=', id).execute();
    if (spec.involvement) {
      await registry.addInvolvement(trx, id, {
        organisationId: spec.involvement.organisationId,
        teamId: null,
        userId: spec.involvement.userId ?? null,
        role: spec.involvement.role ?? 'Class teacher',
        startedOn: '2025-09-01',
        contactPhone: spec.involvement.phone ?? null,
        contactEmail: spec.involvement.email ?? null,
      });
    }
    await refreshMatchData(trx, [id], searchCoder());
    return id;
  });
}

export async function relate(
  db: Kysely<DB>,
  childId: string,
  otherId: string,
  kind: 'parent' | 'sibling' | 'carer' = 'parent',
  parentalResponsibility = kind === 'parent',
) {
  await registry.addRelationship(db, {
    person_id: childId,
    related_person_id: otherId,
    kind,
    parental_responsibility: parentalResponsibility,
  });
}

/**
 * A family living at one address (a household in `areaId` when given): the child (Poppy Fenwick, born 2017-03-04,
 * unless `child` says otherwise, known to `involvement`), with `sibling` Pip Fenwick and a `parent` when asked.
 * With `relateParent`, the parent is recorded as the child's parent too; with `parentElsewhere`, the parent does not
 * live at the family's address.
 */
export async function createFamily(
  db: Kysely<DB>,
  options: {
    involvement?: PersonSpec['involvement'];
    child?: Partial<PersonSpec>;
    sibling?: boolean;
    parent?: PersonSpec;
    relateParent?: boolean;
    parentElsewhere?: boolean;
    address?: { line1: string; postcode: string };
    areaId?: string | null;
  } = {},
) {
  const address = {
    line1: options.address?.line1 ?? '1 Mill Lane',
    line2: null,
    town: null,
    postcode: options.address?.postcode ?? 'LU1 1AA',
    areaId: options.areaId ?? null,
  };
  const childId = await createPerson(db, {
    givenName: 'Poppy',
    familyName: 'Fenwick',
    dateOfBirth: '2017-03-04',
    ...(options.involvement ? { involvement: options.involvement } : {}),
    ...options.child,
  });
  const siblingId = options.sibling
    ? await createPerson(db, { givenName: 'Pip', familyName: 'Fenwick', dateOfBirth: '2019-05-06' })
    : undefined;
  const parentId = options.parent ? await createPerson(db, { kind: 'adult', ...options.parent }) : undefined;
  if (parentId && options.relateParent) await relate(db, childId, parentId, 'parent');
  const household = await registry.findOrCreateHousehold(db, address);
  const living = [childId, siblingId, options.parentElsewhere ? undefined : parentId];
  for (const id of living) if (id) await registry.moveTo(db, id, household, '2020-01-01');
  return { childId, siblingId, parentId, address };
}

/** An earlier need level recorded for the child by `by` (at their organisation), with one indicator in `subArea`. */
export async function recordNeedLevel(
  db: Kysely<DB>,
  personId: string,
  by: { id: string; organisationId: string },
  indicator: { domain: string; subArea: string; text: string },
) {
  const guidance = await currentGuidance(db);
  await db
    .insertInto('need_level')
    .values({
      person_id: personId,
      level: 'early_help',
      reason: 'Late most mornings',
      recorded_by: by.id,
      recorded_at: new Date('2026-11-01T10:00:00Z'),
      organisation_id: by.organisationId,
      guidance_id: guidance.id,
      suggested_level: 'early_help',
      indicators: JSON.stringify([
        {
          id: `${indicator.subArea}.early_help.1`,
          text: indicator.text,
          level: 'early_help',
          subArea: indicator.subArea,
          domain: indicator.domain,
        },
      ]),
    })
    .execute();
}

/** Withholds a person's details about the child from another person (a fictional reason), recorded by `by`. */
export async function withhold(
  db: Kysely<DB>,
  what: { personId: string; subjectId: string; fromId: string },
  by: { id: string },
) {
  await db
    .insertInto('withhold_marker')
    .values({
      person_id: what.personId,
      household_id: null,
      subject_person_id: what.subjectId,
      withheld_from_person_id: what.fromId,
      reason: 'Fictional test reason',
      recorded_by: by.id,
      recorded_at: new Date('2026-11-01T10:00:00Z'),
      ended_at: null,
      ended_by: null,
    })
    .execute();
}
