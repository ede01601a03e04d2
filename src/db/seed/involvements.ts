import type { NeedLevel } from '../schema.ts';
import type { AreaDef } from './areas.ts';
import { NEED_REASONS } from './needs.ts';
import type { Partnership, Provider, ServiceKind } from './partnership.ts';
import { type HouseholdCtx, laterOf, PeopleBuilder, type Person, type Risk, receptionStart } from './people.ts';
import { addDays, ageOn, demoId, type Random } from './random.ts';
import { type DemoUserDef, demoUserPhone } from './users.ts';

interface Contact {
  id: string;
  phone: string | null;
  email: string | null;
}

const ROLE_TITLES: Record<ServiceKind, readonly string[]> = {
  midwifery: ['Community midwife'],
  health_visiting: ['Health visitor'],
  gp: ['GP'],
  childrens_centre: ['Family outreach worker', "Children's centre key worker"],
  primary_school: ['Class teacher', 'Designated safeguarding lead', 'School family worker', 'SENCO', 'Learning mentor'],
  secondary_school: ['Head of year', 'Designated safeguarding lead', 'Learning mentor', 'SENCO', 'Attendance officer'],
  special_school: ['Class teacher', 'Family liaison officer'],
  college: ['Learning support tutor', 'Student welfare officer'],
  school_nursing: ['School nurse'],
  youth_work: ['Youth worker'],
  youth_offending: ['Youth offending officer'],
  camhs: ['CAMHS clinician', 'Clinical psychologist'],
  targeted_mental_health: ['Mental health practitioner'],
  family_support: ['Early help practitioner', 'Family support worker'],
  voluntary_family_support: ['Family support worker'],
  intensive_family_support: ['Intensive family support key worker'],
  social_work: ['Social worker'],
  police: ['Police early intervention officer'],
  housing: ['Housing officer'],
  careers: ['Careers adviser'],
  domestic_abuse: ['Independent domestic violence adviser'],
  substance_misuse: ['Drug and alcohol worker'],
};

/** The ages a service works with, where it is narrower than childhood. */
const KIND_AGES: Partial<Record<ServiceKind, [number, number]>> = {
  health_visiting: [0, 4],
  childrens_centre: [0, 4],
  primary_school: [4, 11],
  secondary_school: [11, 18],
  school_nursing: [5, 17],
  youth_work: [11, 19],
  youth_offending: [10, 17],
  intensive_family_support: [11, 17],
  targeted_mental_health: [5, 17],
  camhs: [8, 17],
  careers: [14, 25],
  gp: [0, 25],
};

const LEVEL_ORDER: NeedLevel[] = ['universal', 'early_help', 'targeted', 'specialist'];

/**
 * Who works with each person: schools, health, family support and the rest by age and level of need,
 * named demo practitioners where one covers the area, and the levels of need practitioners recorded.
 */
export class ServicesBuilder extends PeopleBuilder {
  private involvementCount = 0;
  private needCount = 0;
  private readonly contacts = new Map<string, Contact>();
  private readonly schoolNumbers = new Map<string, number>();
  /** What each involvement row is for, so named practitioners can be matched afterwards. */
  private readonly involvementMeta: { kind: ServiceKind; area: string; provider: Provider }[] = [];
  protected readonly childContexts: { child: Person; hh: HouseholdCtx }[] = [];

  constructor(
    rng: Random,
    today: string,
    protected readonly partnership: Partnership,
    private readonly users: readonly DemoUserDef[],
  ) {
    super(rng, today);
    for (const o of partnership.organisations) {
      this.contacts.set(o.key, { id: demoId(`org:${o.key}`), phone: o.phone, email: o.email });
      if (o.schoolNumber) this.schoolNumbers.set(o.key, o.schoolNumber);
      for (const t of o.teams) {
        this.contacts.set(t.key, { id: demoId(`team:${t.key}`), phone: t.phone, email: t.email });
      }
    }
  }

  protected schoolNumber(school: Provider | undefined): number | undefined {
    return school ? this.schoolNumbers.get(school.org) : undefined;
  }

  protected servesIn(user: DemoUserDef, kind: ServiceKind, area: string, p: Provider): boolean {
    return (
      user.org === p.org &&
      (p.team === null || user.teams.includes(p.team)) &&
      (user.serves?.some((s) => s.kind === kind && s.areas.includes(area)) ?? false)
    );
  }

  /**
   * Chance can leave a practitioner with nobody to work with, which makes a poor demo of their
   * caseload; give each such person the first open, unnamed involvement they could hold.
   */
  protected giveEveryPractitionerACaseload() {
    const involvements = this.rows.involvements;
    this.users.forEach((user, index) => {
      if (!user.serves) return;
      const id = demoId(`user:${user.email}`);
      if (involvements.some((i) => i.user_id === id)) return;
      const at = involvements.findIndex((row, i) => {
        const meta = this.involvementMeta[i]!;
        return !row.user_id && !row.ended_on && this.servesIn(user, meta.kind, meta.area, meta.provider);
      });
      if (at >= 0) {
        const row = involvements[at]!;
        row.user_id = id;
        row.contact_phone = demoUserPhone(index);
        row.contact_email = user.email;
        return;
      }
      // Nobody suitable yet: start a new piece of work with a child of the right age in their area.
      for (const { kind, areas } of user.serves) {
        const [min, max] = KIND_AGES[kind] ?? [0, 17];
        const found = this.childContexts.find(
          ({ child, hh }) =>
            areas.includes(hh.area.key) &&
            child.dob &&
            ageOn(child.dob, this.today) >= min &&
            ageOn(child.dob, this.today) <= max,
        );
        const provider =
          found && this.providers(found.hh.area, kind).find((p) => this.servesIn(user, kind, found.hh.area.key, p));
        if (found && provider) {
          this.involve(found.hh, found.child, kind, addDays(this.today, -this.rng.int(14, 120)), provider, null, user);
          return;
        }
      }
    });
  }

  // ---- services ----

  protected providers(area: AreaDef, kind: ServiceKind): Provider[] {
    return this.partnership.services.get(area.key)?.[kind] ?? [];
  }

  protected currentSchool(area: AreaDef, dob: string, send: boolean): Provider | undefined {
    const reception = receptionStart(dob);
    if (this.today < reception) return undefined;
    const year7 = `${Number(reception.slice(0, 4)) + 7}-09-01`;
    const year12 = `${Number(reception.slice(0, 4)) + 12}-09-01`;
    const age = ageOn(dob, this.today);
    if (send && (age >= 19 || this.rng.chance(0.35))) {
      return this.providers(area, age >= 16 ? 'college' : 'special_school')[0];
    }
    if (this.today < year7) return this.rng.pick(this.providers(area, 'primary_school'));
    if (this.today < year12) return this.providers(area, 'secondary_school')[0];
    if (age >= 20) return undefined;
    return this.providers(area, this.rng.chance(0.6) ? 'college' : 'secondary_school')[0];
  }

  protected involve(
    hh: HouseholdCtx,
    person: Person,
    kind: ServiceKind,
    startedOn: string,
    provider?: Provider,
    endedOn: string | null = null,
    named?: DemoUserDef,
  ) {
    const providers = this.providers(hh.area, kind);
    const p = provider ?? (providers.length ? this.rng.pick(providers) : undefined);
    if (!p) return;
    let started = startedOn > this.today ? this.today : startedOn;
    if (person.dob && started < person.dob) started = person.dob;
    const ended = endedOn && endedOn < started ? started : endedOn;
    const candidates = this.users.filter((u) => this.servesIn(u, kind, hh.area.key, p));
    const user =
      named ?? (candidates.length && !ended && this.rng.chance(0.75) ? this.rng.pick(candidates) : undefined);
    const team = p.team ? this.contacts.get(p.team) : undefined;
    const org = this.contacts.get(p.org)!;
    this.involvementMeta.push({ kind, area: hh.area.key, provider: p });
    this.rows.involvements.push({
      id: demoId(`involvement:${this.involvementCount++}`),
      person_id: person.id,
      organisation_id: org.id,
      team_id: team?.id ?? null,
      user_id: user ? demoId(`user:${user.email}`) : null,
      role: this.rng.pick(ROLE_TITLES[kind]),
      started_on: started,
      ended_on: ended,
      contact_phone: user ? demoUserPhone(this.users.indexOf(user)) : (team?.phone ?? org.phone),
      contact_email: user ? user.email : (team?.email ?? org.email),
    });
  }

  protected schoolKind(area: AreaDef, school: Provider): ServiceKind {
    const kinds: ServiceKind[] = ['primary_school', 'secondary_school', 'special_school', 'college'];
    return kinds.find((k) => this.providers(area, k).some((p) => p.org === school.org)) ?? 'secondary_school';
  }

  protected involvements(hh: HouseholdCtx, child: Person) {
    const rng = this.rng;
    const today = this.today;
    const ago = (min: number, max: number) => addDays(today, -rng.int(min, max));
    if (!child.dob) {
      const expected = child.expected!;
      this.involve(hh, child, 'midwifery', addDays(expected, -rng.int(200, 250)));
      if (rng.chance(0.5)) this.involve(hh, child, 'health_visiting', addDays(expected, -rng.int(40, 90)));
      if (hh.risk === 'high') this.involve(hh, child, 'social_work', ago(10, 60));
      return;
    }
    const age = ageOn(child.dob, today);
    const reception = receptionStart(child.dob);
    const startYear = Number(reception.slice(0, 4));
    const year7 = `${startYear + 7}-09-01`;
    this.involve(hh, child, 'gp', addDays(child.dob, 42));
    if (today < reception) {
      this.involve(hh, child, 'health_visiting', addDays(child.dob, rng.int(10, 14)));
      if (rng.chance(0.5)) this.involve(hh, child, 'childrens_centre', addDays(child.dob, rng.int(60, 500)));
    } else {
      if (child.school) {
        const kind = this.schoolKind(hh.area, child.school);
        const started =
          kind === 'primary_school'
            ? reception
            : kind === 'secondary_school'
              ? year7
              : kind === 'college'
                ? laterOf(`${startYear + 12}-09-01`, ago(30, 1800))
                : laterOf(reception, ago(100, 2500));
        this.involve(hh, child, kind, started, child.school);
      }
      if (today >= year7 && rng.chance(0.6)) {
        this.involve(hh, child, 'primary_school', reception, undefined, addDays(year7, -rng.int(35, 45)));
      }
      if (rng.chance(0.5)) {
        this.involve(
          hh,
          child,
          'health_visiting',
          addDays(child.dob, 12),
          undefined,
          addDays(reception, -rng.int(1, 60)),
        );
      }
      if (age < 18 && rng.chance(age >= 11 ? 0.25 : 0.3)) this.involve(hh, child, 'school_nursing', ago(30, 900));
      if (age >= 11 && age < 20 && rng.chance(0.2)) this.involve(hh, child, 'youth_work', ago(30, 700));
      if (age >= 14 && rng.chance(child.send ? 0.8 : 0.15)) this.involve(hh, child, 'careers', ago(20, 400));
    }
    if (child.send && age >= 18 && rng.chance(0.3)) this.involve(hh, child, 'social_work', ago(60, 700));
    this.riskInvolvements(hh, child, age);
  }

  protected riskInvolvements(hh: HouseholdCtx, child: Person, age: number) {
    const rng = this.rng;
    const ago = (min: number, max: number) => addDays(this.today, -rng.int(min, max));
    if (hh.risk === 'none') return;
    if (hh.risk === 'low') {
      if (rng.chance(0.5)) this.involve(hh, child, 'family_support', ago(20, 300));
      else if (rng.chance(0.4)) this.involve(hh, child, 'voluntary_family_support', ago(20, 300));
      return;
    }
    this.involve(hh, child, rng.chance(0.6) ? 'family_support' : 'voluntary_family_support', ago(20, 500));
    if (age >= 5 && age < 18 && rng.chance(0.3)) this.involve(hh, child, 'targeted_mental_health', ago(20, 400));
    if (age >= 10 && age < 18 && rng.chance(hh.risk === 'high' ? 0.25 : 0.12)) {
      this.involve(hh, child, 'youth_offending', ago(20, 500));
    }
    if (age >= 10 && age < 18 && rng.chance(0.15)) this.involve(hh, child, 'police', ago(10, 300));
    if (age >= 11 && age < 18 && rng.chance(0.3)) this.involve(hh, child, 'intensive_family_support', ago(20, 400));
    if (hh.risk === 'high') {
      if (rng.chance(0.85)) this.involve(hh, child, 'social_work', ago(10, 400));
      if (age >= 8 && age < 18 && rng.chance(0.3)) this.involve(hh, child, 'camhs', ago(30, 600));
      if (age >= 3 && rng.chance(0.25)) {
        // Earlier social work that closed with a step down to early help.
        const start = ago(500, 1200);
        this.involve(hh, child, 'social_work', start, undefined, addDays(start, rng.int(60, 300)));
      }
    }
  }

  protected adultInvolvements(hh: HouseholdCtx) {
    const rng = this.rng;
    const adult = hh.adults[0];
    if (!adult) return;
    const ago = (min: number, max: number) => addDays(this.today, -rng.int(min, max));
    if (hh.shielded || (hh.risk !== 'none' && rng.chance(0.06)))
      this.involve(hh, adult, 'domestic_abuse', ago(20, 400));
    if (hh.risk === 'high' && rng.chance(0.3)) this.involve(hh, adult, 'substance_misuse', ago(30, 600));
    if ((hh.risk === 'high' || hh.risk === 'moderate') && rng.chance(0.25))
      this.involve(hh, adult, 'housing', ago(20, 300));
  }

  // ---- levels of need ----

  protected levelFor(risk: Risk, child: Person): NeedLevel {
    const rng = this.rng;
    switch (risk) {
      case 'none':
        return child.send ? 'early_help' : 'universal';
      case 'low':
        return rng.chance(0.8) ? 'early_help' : 'universal';
      case 'moderate':
        return rng.chance(0.7) ? 'targeted' : 'early_help';
      case 'high':
        return rng.chance(0.65) ? 'specialist' : 'targeted';
    }
  }

  protected needLevel(child: Person, level: NeedLevel) {
    const rng = this.rng;
    const age = child.dob ? ageOn(child.dob, this.today) : -1;
    if (level === 'universal' && rng.chance(0.4)) return;
    const recorder = this.recorderFor(child.id);
    const maxDays = child.dob ? Math.min(400, Math.max(1, age * 365 + 20)) : 60;
    const recordedOn = addDays(this.today, -rng.int(1, maxDays));
    const previous = LEVEL_ORDER[LEVEL_ORDER.indexOf(level) + (rng.chance(0.5) ? -1 : 1)];
    if (previous && age >= 1 && rng.chance(0.3)) {
      // Levels move both ways: an earlier judgement shows the step up or down.
      this.pushNeed(child, previous, age, addDays(recordedOn, -rng.int(90, 540)), recorder);
    }
    this.pushNeed(child, level, age, recordedOn, recorder);
  }

  protected pushNeed(child: Person, level: NeedLevel, age: number, on: string, recorder: string | null) {
    const fitting = NEED_REASONS[level].filter((r) => age >= r.minAge && age <= r.maxAge);
    const reason = this.rng.pick(fitting.length ? fitting : NEED_REASONS[level]);
    const recordedOn = child.dob && on < child.dob ? child.dob : on;
    this.rows.needLevels.push({
      id: demoId(`need:${this.needCount++}`),
      person_id: child.id,
      level,
      reason: reason.text,
      recorded_by: recorder,
      recorded_at: `${recordedOn}T${String(this.rng.int(9, 16)).padStart(2, '0')}:${String(this.rng.int(0, 59)).padStart(2, '0')}:00Z`,
    });
  }

  protected recorderFor(personId: string): string | null {
    const named = this.rows.involvements.filter((i) => i.person_id === personId && i.user_id && !i.ended_on);
    return named.length ? (named[named.length - 1]!.user_id ?? null) : null;
  }
}
