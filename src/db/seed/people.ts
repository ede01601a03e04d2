import type { Insertable } from 'kysely';
import { unaccent } from '../../features/people/matching/normalise.ts';
import type {
  HouseholdMemberTable,
  HouseholdTable,
  InvolvementTable,
  NeedLevelTable,
  PersonTable,
  RelationshipTable,
} from '../schema.ts';
import type { AreaDef } from './areas.ts';
import { makeUpn, nhsCheckDigit } from './identifiers.ts';
import { type Community, surnameFor } from './names.ts';
import type { Provider } from './partnership.ts';
import { addDays, ageOn, demoId, type Random } from './random.ts';

/** The rows the demo families become. */
export interface FamilyRows {
  households: Insertable<HouseholdTable>[];
  persons: Insertable<PersonTable>[];
  members: Insertable<HouseholdMemberTable>[];
  relationships: Insertable<RelationshipTable>[];
  involvements: Insertable<InvolvementTable>[];
  needLevels: Insertable<NeedLevelTable>[];
}

export type Sex = 'M' | 'F';
export type Risk = 'none' | 'low' | 'moderate' | 'high';
export type Surname = string | readonly [string, string];

export interface Person {
  id: string;
  kind: 'child' | 'adult';
  sex: Sex | 'U';
  dob: string | null;
  expected: string | null;
  surname: Surname;
  community: Community;
  ethnicity: string;
  send: boolean;
  /** The school or college the child attends now, if any. */
  school?: Provider | undefined;
}

export interface HouseholdCtx {
  id: string;
  area: AreaDef;
  since: string;
  risk: Risk;
  shielded: boolean;
  adults: Person[];
}

const KNOWN_AS: Record<string, string> = {
  Thomas: 'Tom',
  Jessica: 'Jess',
  Zuzanna: 'Zuzia',
  Jakub: 'Kuba',
  Abdirahman: 'Abdi',
  Muhammad: 'Mo',
  Isabella: 'Bella',
  Nathaniel: 'Nate',
  Elijah: 'Eli',
  Aleksander: 'Olek',
  Alexandru: 'Alex',
  Oluwaseun: 'Seun',
  Christopher: 'Chris',
  Samantha: 'Sam',
  Katarzyna: 'Kasia',
};

/** Surnames in a community are spread more evenly than first names in a generation. */
export const SURNAME_SKEW = 0.3;
const INWARD_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

export function yearsAgo(today: string, years: number, extraDays: number): string {
  return addDays(today, -Math.round(years * 365.25) - extraDays);
}

/** 1 September of the school year a child born on `dob` starts reception. */
export function receptionStart(dob: string): string {
  const [y, m] = dob.split('-').map(Number) as [number, number];
  return `${y + 4 + (m >= 9 ? 1 : 0)}-09-01`;
}

export function laterOf(a: string, b: string): string {
  return a > b ? a : b;
}

/** People, their identifiers and the ties between them: the base the family generator builds on. */
export class PeopleBuilder {
  readonly rows: FamilyRows = {
    households: [],
    persons: [],
    members: [],
    relationships: [],
    involvements: [],
    needLevels: [],
  };
  private personCount = 0;
  /** Adults and young people given an email and telephone number so far (see contactDetails). */
  private contactCount = 0;
  private readonly nhsUsed = new Set<string>();
  private readonly upnSerials = new Map<string, number>();
  protected readonly personRows = new Map<string, Insertable<PersonTable>>();

  constructor(
    protected readonly rng: Random,
    protected readonly today: string,
  ) {}

  // ---- identifiers ----

  protected nhsNumber(): string {
    for (;;) {
      const nine = `999${String(this.rng.int(0, 999999)).padStart(6, '0')}`;
      const check = nhsCheckDigit(nine);
      if (check === undefined) continue;
      const nhs = `${nine}${check}`;
      if (this.nhsUsed.has(nhs)) continue;
      this.nhsUsed.add(nhs);
      return nhs;
    }
  }

  protected upn(area: AreaDef, schoolNumber: number | undefined, dob: string): string {
    const school = schoolNumber ?? 2000;
    const year = Number(receptionStart(dob).slice(0, 4));
    const key = `${area.laNumber}:${school}:${year}`;
    const serial = (this.upnSerials.get(key) ?? 0) + 1;
    this.upnSerials.set(key, serial);
    return makeUpn(area.laNumber ?? 999, school, year, serial);
  }

  protected postcode(area: AreaDef): string {
    const outward = this.rng.pick(area.outward ?? ['LU1']);
    const letters = `${this.rng.pick([...INWARD_LETTERS])}${this.rng.pick([...INWARD_LETTERS])}`;
    return `${outward} ${this.rng.int(1, 9)}${letters}`;
  }

  // ---- people ----

  /** First names already given in the household being built: parents do not give two children one name. */
  protected readonly householdNames = new Set<string>();

  protected givenName(c: Community, kind: 'child' | 'adult', sex: Sex, avoid = ''): string {
    const pool = kind === 'child' ? (sex === 'M' ? c.boys : c.girls) : sex === 'M' ? c.men : c.women;
    let name = this.rng.common(pool, 0.5);
    for (let tries = 0; (name === avoid || this.householdNames.has(name)) && tries < 20; tries++) {
      name = this.rng.pick(pool);
    }
    this.householdNames.add(name);
    return name;
  }

  protected person(p: Omit<Person, 'id'>, extra: { nhsChance: number; upn?: string | null }): Person {
    const id = demoId(`person:${this.personCount++}`);
    const person: Person = { id, ...p };
    const c = p.community;
    const sex: Sex = p.sex === 'U' ? 'F' : p.sex;
    const unborn = p.dob === null && p.kind === 'child';
    const given = unborn ? 'Unborn' : this.givenName(c, p.kind, sex);
    let middle: string | null = null;
    if (!unborn && c.middleNames && this.rng.chance(0.7)) middle = sex === 'M' ? c.middleNames[0] : c.middleNames[1];
    else if (!unborn && p.kind === 'child' && this.rng.chance(0.3)) middle = this.givenName(c, 'child', sex, given);
    const knownAs = KNOWN_AS[given] && this.rng.chance(0.5) ? KNOWN_AS[given] : null;
    const homeLanguage = this.rng.common(c.languages, 1);
    // Many children born here are recorded with English as their first language.
    const language =
      p.kind === 'adult' || (homeLanguage !== 'English' && this.rng.chance(c.childHomeLanguage))
        ? homeLanguage
        : 'English';
    const interpreter = p.kind === 'adult' && language !== 'English' && this.rng.chance(c.interpreter);
    const ethnicityRoll = this.rng.next();
    const ethnicity = ethnicityRoll < 0.03 ? 'NOBT' : ethnicityRoll < 0.04 ? 'REFU' : p.ethnicity;
    const row: Insertable<PersonTable> = {
      id,
      kind: p.kind,
      given_name: given,
      middle_names: middle,
      family_name: surnameFor(p.surname, sex),
      known_as: knownAs,
      date_of_birth: p.dob,
      expected_date_of_birth: p.expected,
      sex: p.sex,
      nhs_number: !unborn && this.rng.chance(extra.nhsChance) ? this.nhsNumber() : null,
      upn: extra.upn ?? null,
      ethnicity,
      first_language: unborn ? null : language,
      interpreter_needed: interpreter,
      date_of_death: null,
      ...this.contactDetails(p, given, surnameFor(p.surname, sex)),
      is_demo: true,
      created_by: null,
      updated_at: `${this.today}T09:00:00Z`,
    };
    this.rows.persons.push(row);
    this.personRows.set(id, row);
    return person;
  }

  /**
   * A few adults and young people (13 and over) have their own email address and telephone number: every twelfth
   * one, at example.org or example.com, with numbers from Ofcom's drama ranges (07700 900800–999 and
   * 01632 960800–999, clear of the numbers the partnership and demo users have). No random draw is used, so the
   * rest of the demo data is exactly as it was.
   */
  private contactDetails(p: Omit<Person, 'id'>, given: string, family: string) {
    const grownUp = p.kind === 'adult' || (p.dob !== null && ageOn(p.dob, this.today) >= 13);
    if (!grownUp || this.personCount % 12 !== 0 || this.contactCount >= 200) return {};
    const n = this.contactCount++;
    const local = [given, family].map((x) => unaccent(x).replace(/[^a-z]/g, '')).join('.');
    const serial = String(800 + n).padStart(3, '0');
    return {
      email: `${local}${n}@${n % 2 === 0 ? 'example.org' : 'example.com'}`,
      telephone: n % 4 === 3 ? `01632 960${serial}` : `07700 900${serial}`,
    };
  }

  protected adult(c: Community, sex: Sex, dob: string, surname: Surname): Person {
    return this.person(
      { kind: 'adult', sex, dob, expected: null, surname, community: c, ethnicity: c.ethnicity, send: false },
      { nhsChance: 0.6 },
    );
  }

  protected relate(child: Person, other: Person, kind: Insertable<RelationshipTable>['kind'], pr: boolean) {
    this.rows.relationships.push({
      id: demoId(`relationship:${this.rows.relationships.length}`),
      person_id: child.id,
      related_person_id: other.id,
      kind,
      parental_responsibility: pr,
    });
  }

  protected parentOf(child: Person, parent: Person, pr = true) {
    // Parental responsibility ends at 18; the relationship stays.
    const adult = child.dob !== null && ageOn(child.dob, this.today) >= 18;
    this.relate(child, parent, 'parent', pr && !adult);
  }

  protected member(householdId: string, p: Person, movedIn: string | null, movedOut: string | null = null) {
    this.rows.members.push({ household_id: householdId, person_id: p.id, moved_in: movedIn, moved_out: movedOut });
  }

  protected siblings(children: Person[]) {
    for (let i = 0; i < children.length; i++) {
      for (let j = i + 1; j < children.length; j++) this.relate(children[i]!, children[j]!, 'sibling', false);
    }
  }
}
