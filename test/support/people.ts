/** Factories for the child index: people with addresses, family and involvements, with their search keys made. */
import type { Kysely } from 'kysely';
import type { DB } from '../../src/db/schema.ts';
import { refreshMatchData } from '../../src/features/people/match-repository.ts';
import type { PersonInput } from '../../src/features/people/person-form.ts';
import * as registry from '../../src/features/people/registry-repository.ts';
import { searchCoder } from '../../src/features/people/search.ts';

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
