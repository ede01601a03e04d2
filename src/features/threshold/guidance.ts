/**
 * Threshold-of-need guidance as data, and the helper's rules: from the indicators a practitioner picks, a suggested
 * level for each domain and overall, with the reasons. The suggestion guides a conversation; it never decides —
 * the practitioner records their own judgement, which may differ.
 */
import { z } from 'zod';
import { NEED_LEVELS, type NeedLevel, type Tier } from '../../db/schema.ts';

export const LEVEL_ORDER: readonly NeedLevel[] = NEED_LEVELS;

export const LEVEL_NAMES: Record<NeedLevel, string> = {
  universal: 'Universal',
  early_help: 'Early Help',
  targeted: 'Targeted',
  specialist: 'Specialist',
};

/** The directory's service tiers that serve each level of need. */
export const TIERS_FOR_LEVEL: Record<NeedLevel, Tier[]> = {
  universal: ['universal'],
  early_help: ['universal', 'targeted'],
  targeted: ['targeted'],
  specialist: ['specialist', 'targeted'],
};

const text = (max: number) => z.string().trim().min(1).max(max);
const id = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9-]{0,40}$/);

const levelSchema = z.object({
  id: z.enum(NEED_LEVELS),
  name: text(60),
  summary: text(1000),
  assessment: text(1000),
  keyServices: z.array(text(200)).max(40),
});

export const GuidanceContentSchema = z
  .object({
    title: text(200),
    introduction: text(2000),
    levels: z.array(levelSchema).length(4),
    domains: z
      .array(
        z.object({
          id,
          name: text(120),
          subAreas: z
            .array(z.object({ id, name: text(120) }))
            .min(1)
            .max(12),
        }),
      )
      .min(1)
      .max(6),
    indicators: z.record(id, z.partialRecord(z.enum(NEED_LEVELS), z.array(text(300)).max(40))),
  })
  .superRefine((g, ctx) => {
    const levels = g.levels.map((l) => l.id);
    if (levels.join() !== NEED_LEVELS.join()) {
      ctx.addIssue({ code: 'custom', message: `Levels must be ${NEED_LEVELS.join(', ')} in that order` });
    }
    const subAreas = g.domains.flatMap((d) => d.subAreas.map((s) => s.id));
    if (new Set(subAreas).size !== subAreas.length) ctx.addIssue({ code: 'custom', message: 'Sub-areas repeat' });
    for (const key of Object.keys(g.indicators)) {
      if (!subAreas.includes(key)) ctx.addIssue({ code: 'custom', message: `Indicators for unknown sub-area ${key}` });
    }
  });

export type GuidanceContent = z.infer<typeof GuidanceContentSchema>;

/** A sub-area's name in the guidance, or its code when this version of the guidance has no such sub-area. */
export function subAreaName(g: Pick<GuidanceContent, 'domains'>, domain: string, subArea: string): string {
  return g.domains.find((d) => d.id === domain)?.subAreas.find((s) => s.id === subArea)?.name ?? subArea;
}

/** A need's area as pages and documents name it: "Domain: Sub-area", in the guidance's words. */
export function needAreaName(g: Pick<GuidanceContent, 'domains'>, domain: string, subArea: string): string {
  return `${g.domains.find((d) => d.id === domain)?.name ?? domain}: ${subAreaName(g, domain, subArea)}`;
}

export interface Indicator {
  /** Stable within one version of the guidance: sub-area, level and position. */
  id: string;
  text: string;
  level: NeedLevel;
  subAreaId: string;
  subAreaName: string;
  domainId: string;
  domainName: string;
}

export function indicatorId(subAreaId: string, level: NeedLevel, index: number): string {
  return `${subAreaId}.${level}.${index + 1}`;
}

/** Every indicator of the guidance, in domain, sub-area and level order. */
export function indicators(g: GuidanceContent): Indicator[] {
  const out: Indicator[] = [];
  for (const d of g.domains) {
    for (const s of d.subAreas) {
      for (const level of LEVEL_ORDER) {
        (g.indicators[s.id]?.[level] ?? []).forEach((t, i) => {
          out.push({
            id: indicatorId(s.id, level, i),
            text: t,
            level,
            subAreaId: s.id,
            subAreaName: s.name,
            domainId: d.id,
            domainName: d.name,
          });
        });
      }
    }
  }
  return out;
}

export interface DomainSuggestion {
  id: string;
  name: string;
  /** Null when nothing was picked in this domain. */
  level: NeedLevel | null;
  /** The indicators that set the level (those at the domain's level). */
  because: Indicator[];
  /** Needs below the domain's level, and strengths (universal indicators) picked. */
  alsoNeeds: Indicator[];
  strengths: Indicator[];
}

export interface Suggestion {
  /** Null when no need was picked at all. */
  overall: NeedLevel | null;
  domains: DomainSuggestion[];
  reasons: string[];
  /** Needs above universal picked in two or more domains: a team around the family is likely to help. */
  severalDomains: boolean;
  /** A specialist indicator was picked: a child may be at risk of significant harm — talk to the front door now. */
  possibleSignificantHarm: boolean;
  chosen: Indicator[];
  /** Ids sent that are not in this version of the guidance (ignored). */
  unknownIds: string[];
}

const rank = (l: NeedLevel) => LEVEL_ORDER.indexOf(l);
const quote = (xs: Indicator[]) => xs.map((x) => `‘${x.text}’`).join(', ');

/**
 * The suggested level per domain is the highest level of the needs picked in it; overall, the highest of the
 * domains. Strengths (universal indicators) are listed but never raise or lower a level.
 */
export function suggestLevel(g: GuidanceContent, chosenIds: readonly string[]): Suggestion {
  const all = indicators(g);
  const byId = new Map(all.map((i) => [i.id, i]));
  const wanted = new Set(chosenIds);
  const chosen = all.filter((i) => wanted.has(i.id));
  const unknownIds = [...wanted].filter((x) => !byId.has(x));
  const domains: DomainSuggestion[] = g.domains.map((d) => {
    const picked = chosen.filter((i) => i.domainId === d.id);
    const needs = picked.filter((i) => i.level !== 'universal');
    const strengths = picked.filter((i) => i.level === 'universal');
    if (!needs.length) return { id: d.id, name: d.name, level: null, because: [], alsoNeeds: [], strengths };
    const level = needs.reduce<NeedLevel>((top, i) => (rank(i.level) > rank(top) ? i.level : top), 'early_help');
    return {
      id: d.id,
      name: d.name,
      level,
      because: needs.filter((i) => i.level === level),
      alsoNeeds: needs.filter((i) => i.level !== level),
      strengths,
    };
  });
  const withNeeds = domains.filter((d) => d.level !== null);
  const overall = withNeeds.reduce<NeedLevel | null>(
    (top, d) => (top === null || rank(d.level!) > rank(top) ? d.level : top),
    null,
  );
  const reasons: string[] = [];
  for (const d of withNeeds) {
    reasons.push(
      `${LEVEL_NAMES[d.level!]} in ${d.name.charAt(0).toLowerCase()}${d.name.slice(1)}: ${quote(d.because)}.`,
    );
  }
  if (overall === null) {
    reasons.push(
      chosen.length
        ? 'You picked strengths only: the child’s needs look to be met by their family and universal services.'
        : 'You have not picked any indicators yet.',
    );
  } else {
    const top = withNeeds.filter((d) => d.level === overall).map((d) => d.name.toLowerCase());
    reasons.push(`Overall: ${LEVEL_NAMES[overall]}, the highest level you picked (${top.join('; ')}).`);
  }
  const severalDomains = withNeeds.length >= 2;
  if (severalDomains && overall !== 'specialist') {
    reasons.push(
      `Needs in ${withNeeds.length} domains: an Early Help Assessment with a lead practitioner and a team around the family is likely to help.`,
    );
  }
  return {
    overall,
    domains,
    reasons,
    severalDomains,
    possibleSignificantHarm: chosen.some((i) => i.level === 'specialist'),
    chosen,
    unknownIds,
  };
}

/** Prompt for an Early Help Assessment when one agency has recorded this many unmet needs for a child. */
export const UNMET_NEEDS_PROMPT_AT = 3;
