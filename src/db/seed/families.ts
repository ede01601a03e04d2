import type { AreaDef } from './areas.ts';
import { ServicesBuilder } from './involvements.ts';
import { COMMUNITIES, type CommunityKey, mixedEthnicity } from './names.ts';
import { type FamilyRows, type HouseholdCtx, laterOf, type Risk, type Sex, SURNAME_SKEW, yearsAgo } from './people.ts';
import { addDays, ageOn, demoId } from './random.ts';

export type { FamilyRows } from './people.ts';

/**
 * Generates the demo families: households in every area, children of every age (unborn to 25 with
 * special educational needs), the adults around them, their identifiers, levels of need and the
 * practitioners involved. Pure: the same seed and `today` give the same rows.
 */

type Structure = 'couple' | 'lone_mother' | 'lone_father' | 'blended' | 'kinship' | 'young_parent';

export class FamilyGenerator extends ServicesBuilder {
  generate(): FamilyRows {
    let n = 0;
    for (const area of this.partnership.areas) {
      for (let i = 0; i < (area.households ?? 0); i++) this.household(area, n++);
    }
    this.giveEveryPractitionerACaseload();
    return this.rows;
  }

  private household(area: AreaDef, index: number) {
    const rng = this.rng;
    this.householdNames.clear();
    const key = rng.weighted(Object.entries(area.communities ?? { british: 1 }) as [CommunityKey, number][]);
    const c = COMMUNITIES[key];
    const structure = rng.weighted<Structure>([
      ['couple', 50],
      ['lone_mother', 24],
      ['lone_father', 4],
      ['blended', 12],
      ['kinship', 5],
      ['young_parent', 5],
    ]);
    const risk = rng.weighted<Risk>([
      ['none', 34],
      ['low', 30],
      ['moderate', 23],
      ['high', 13],
    ]);
    const householdId = demoId(`household:${index}`);
    const flat = rng.chance(0.25);
    const street = rng.pick(area.streets ?? ['High Street']);
    this.rows.households.push({
      id: householdId,
      address_line1: flat ? `Flat ${rng.int(1, 24)}, ${rng.int(2, 90)} ${street}` : `${rng.int(1, 180)} ${street}`,
      address_line2: null,
      town: area.town ?? null,
      postcode: this.postcode(area),
      area_id: demoId(`area:${area.key}`),
      is_demo: true,
    });
    const since = yearsAgo(this.today, rng.int(0, 11), rng.int(0, 364));
    const shielded = structure === 'lone_mother' && risk !== 'none' && rng.chance(0.18);
    const hh: HouseholdCtx = { id: householdId, area, since, risk, shielded, adults: [] };

    // Children's ages, eldest first, in days before today (negative: not yet born).
    const count =
      structure === 'young_parent'
        ? 1
        : rng.weighted<number>([
            [1, 30],
            [2, 35],
            [3, 20],
            [4, 10],
            [5, 5],
          ]);
    const ages: number[] = [];
    let age = structure === 'young_parent' ? rng.int(0, 700) : rng.int(0, 17 * 365 + 300);
    if (structure !== 'young_parent' && rng.chance(0.05)) age = rng.int(18 * 365 + 10, 25 * 365 + 300);
    for (let i = 0; i < count && age >= 0; i++) {
      ages.push(age);
      age -= rng.int(330, 5 * 365);
    }
    const eldestDob = addDays(this.today, -ages[0]!);
    const motherAge =
      structure === 'young_parent' ? rng.int(15, 18) : structure === 'kinship' ? rng.int(16, 26) : rng.int(18, 37);
    const motherDob = addDays(eldestDob, -Math.round(motherAge * 365.25) - rng.int(0, 300));
    const canBePregnant = structure !== 'kinship' && structure !== 'lone_father' && ageOn(motherDob, this.today) < 43;
    if (canBePregnant && rng.chance(0.1)) ages.push(-rng.int(14, 200));
    const fatherDob = addDays(motherDob, -rng.int(-2, 7) * 365 - rng.int(0, 300));
    const familySurname = rng.common(c.surnames, SURNAME_SKEW);

    // A few couples come from two communities; their children's ethnicity is mixed heritage.
    let partnerCommunity = c;
    if ((structure === 'couple' || structure === 'blended') && rng.chance(0.08)) {
      const mix =
        key === 'british'
          ? rng.pick<CommunityKey>(['caribbean', 'nigerian', 'irish', 'pakistani', 'polish'])
          : 'british';
      partnerCommunity = COMMUNITIES[mix];
    }
    const partnerSurname = partnerCommunity === c ? familySurname : rng.common(partnerCommunity.surnames, SURNAME_SKEW);
    const childEthnicity =
      partnerCommunity === c ? c.ethnicity : mixedEthnicity(c.ethnicity, partnerCommunity.ethnicity);
    const born = ages.filter((a) => a >= 0).length;
    // In a blended family the eldest children are from the mother's earlier relationship.
    const olderCount = structure === 'blended' && born > 1 ? rng.int(1, born - 1) : 0;
    const stepSurname = structure === 'blended' ? rng.common(partnerCommunity.surnames, SURNAME_SKEW) : familySurname;

    const children = ages.map((days, i) => {
      const unborn = days < 0;
      const dob = unborn ? null : addDays(this.today, -days);
      const childAge = dob ? ageOn(dob, this.today) : -1;
      const send = childAge >= 18 || (childAge >= 2 && rng.chance(0.08));
      const sex: Sex | 'U' = unborn && rng.chance(0.7) ? 'U' : rng.chance(0.51) ? 'M' : 'F';
      const school = dob ? this.currentSchool(area, dob, send) : undefined;
      const upn = dob && school && rng.chance(0.92) ? this.upn(area, this.schoolNumber(school), dob) : null;
      const surname =
        structure === 'blended'
          ? i < olderCount
            ? familySurname
            : stepSurname
          : structure === 'couple'
            ? partnerSurname
            : familySurname;
      return this.person(
        {
          kind: 'child',
          sex,
          dob,
          expected: unborn ? addDays(this.today, -days) : null,
          surname,
          community: c,
          ethnicity: childEthnicity,
          send,
          school,
        },
        { nhsChance: 0.88, upn },
      );
    });

    switch (structure) {
      case 'couple': {
        const father = this.adult(partnerCommunity, 'M', fatherDob, partnerSurname);
        const mother = this.adult(
          c,
          'F',
          motherDob,
          rng.chance(0.15) ? rng.common(c.surnames, SURNAME_SKEW) : partnerSurname,
        );
        for (const ch of children) {
          this.parentOf(ch, mother);
          this.parentOf(ch, father);
        }
        this.siblings(children);
        this.member(householdId, mother, since);
        this.member(householdId, father, since);
        hh.adults.push(mother, father);
        break;
      }
      case 'lone_mother':
      case 'lone_father': {
        const sex: Sex = structure === 'lone_mother' ? 'F' : 'M';
        const parent = this.adult(c, sex, sex === 'F' ? motherDob : fatherDob, familySurname);
        for (const ch of children) this.parentOf(ch, parent);
        this.siblings(children);
        if (rng.chance(0.45)) {
          // The other parent lives elsewhere; some have left this address recently.
          const other =
            sex === 'F' ? this.adult(c, 'M', fatherDob, familySurname) : this.adult(c, 'F', motherDob, familySurname);
          for (const ch of children) this.parentOf(ch, other, rng.chance(0.85));
          const left = addDays(this.today, -rng.int(30, 900));
          if (!shielded && left > since && rng.chance(0.4)) this.member(householdId, other, since, left);
        }
        this.member(householdId, parent, since);
        hh.adults.push(parent);
        break;
      }
      case 'blended': {
        const mother = this.adult(c, 'F', motherDob, rng.chance(0.5) ? stepSurname : familySurname);
        const stepDad = this.adult(partnerCommunity, 'M', fatherDob, stepSurname);
        const older = children.slice(0, olderCount);
        const younger = children.slice(olderCount);
        const exPartner = rng.chance(0.5)
          ? this.adult(c, 'M', addDays(fatherDob, -rng.int(0, 900)), familySurname)
          : undefined;
        for (const ch of older) {
          this.parentOf(ch, mother);
          this.relate(ch, stepDad, 'step_parent', rng.chance(0.1));
          if (exPartner) this.parentOf(ch, exPartner, rng.chance(0.8));
        }
        for (const ch of younger) {
          this.parentOf(ch, mother);
          this.parentOf(ch, stepDad);
        }
        for (const a of older) for (const b of younger) this.relate(a, b, 'half_sibling', false);
        this.siblings(older);
        this.siblings(younger);
        this.member(householdId, mother, since);
        this.member(householdId, stepDad, laterOf(since, addDays(this.today, -rng.int(200, 2500))));
        hh.adults.push(mother, stepDad);
        break;
      }
      case 'kinship': {
        const birthMother = this.adult(c, 'F', motherDob, familySurname);
        const grandma = this.adult(c, 'F', addDays(motherDob, -rng.int(18, 30) * 365), familySurname);
        const grandad = rng.chance(0.5)
          ? this.adult(c, 'M', addDays(motherDob, -rng.int(20, 33) * 365), familySurname)
          : undefined;
        for (const ch of children) {
          // A special guardianship or child arrangements order gives the grandparents parental responsibility.
          this.relate(ch, grandma, 'grandparent', true);
          if (grandad) this.relate(ch, grandad, 'grandparent', true);
          this.parentOf(ch, birthMother, true);
        }
        this.siblings(children);
        this.member(householdId, grandma, since);
        if (grandad) this.member(householdId, grandad, since);
        hh.adults.push(grandma, ...(grandad ? [grandad] : []));
        break;
      }
      case 'young_parent': {
        // A young mother living with her own mother: under 18 she is a child of the family as well as a parent.
        const minor = ageOn(motherDob, this.today) < 18;
        const mumSchool = minor ? this.currentSchool(area, motherDob, false) : undefined;
        const mum = minor
          ? this.person(
              {
                kind: 'child',
                sex: 'F',
                dob: motherDob,
                expected: null,
                surname: familySurname,
                community: c,
                ethnicity: c.ethnicity,
                send: false,
                school: mumSchool,
              },
              { nhsChance: 0.9, upn: mumSchool ? this.upn(area, this.schoolNumber(mumSchool), motherDob) : null },
            )
          : this.adult(c, 'F', motherDob, familySurname);
        const grandma = this.adult(c, 'F', addDays(motherDob, -rng.int(17, 26) * 365), familySurname);
        for (const ch of children) {
          this.parentOf(ch, mum);
          this.relate(ch, grandma, 'grandparent', false);
        }
        this.parentOf(mum, grandma);
        this.member(householdId, grandma, since);
        this.member(householdId, mum, laterOf(since, motherDob));
        hh.adults.push(grandma);
        if (minor) {
          this.involvements(hh, mum);
          this.needLevel(mum, risk === 'none' ? 'early_help' : risk === 'high' ? 'specialist' : 'targeted');
        }
        break;
      }
    }
    for (const ch of children) this.member(householdId, ch, ch.dob ? laterOf(since, ch.dob) : null);
    for (const ch of children) {
      if (shielded) this.personRows.get(ch.id)!.shielded = true;
      this.childContexts.push({ child: ch, hh });
      this.involvements(hh, ch);
      this.needLevel(ch, this.levelFor(risk, ch));
    }
    this.adultInvolvements(hh);
  }
}
