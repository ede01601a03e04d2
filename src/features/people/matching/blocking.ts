/**
 * Blocking: only records that share at least one key are ever compared, so the work grows with the number of
 * records rather than its square. The same keys serve SQL candidate retrieval for search (store them, index them,
 * look the query's keys up) and bulk de-duplication (below).
 *
 * Keys are chosen so that any single common error still leaves a shared key: a typo in one name (the other name
 * and the date of birth still agree), day and month swapped (dates are keyed with day and month in order of size),
 * given and family name swapped (name codes are keyed without saying which name they came from), a move (date of
 * birth and names still agree), a changed date of birth (names and postcode still agree).
 *
 * Wide rules need only one field to agree exactly or by sound (the date of birth alone; the family name's code with
 * the year of birth; the given name's code with the postcode or town; either name's code with the day and month of
 * birth; both names' codes alone; the family name's code with the postcode), so that a record with two or three errors still shares a key with its duplicates. Their blocks grow with
 * the file, so a block larger than `maxBlockSize` under a wide rule is not paired at all: it is capped, and the
 * statistics say how many keys were capped and how many records they held.
 */
import { dateParts } from './normalise.ts';
import type { PreparedRecord } from './record.ts';

export const BLOCKING_RULES = [
  'nhs',
  'upn',
  'other',
  'email',
  'telephone',
  'dob_name',
  'names_year_month',
  'names_month_day',
  'names_year_day',
  'names_district',
  'dob_postcode',
  'given_postcode',
  'dob',
  'family_year',
  'given_place',
  'name_month_day',
  'names',
  'family_postcode',
] as const;
export type BlockingRule = (typeof BLOCKING_RULES)[number];

/** Rules that need only one field to agree: their large blocks are capped, not compared by neighbourhood. */
export const WIDE_RULES: ReadonlySet<BlockingRule> = new Set([
  'dob',
  'family_year',
  'given_place',
  'name_month_day',
  'names',
  'family_postcode',
]);

/**
 * The rules that combine two fields: what the child index's duplicate scan uses, where a wide rule's extra pairs
 * would fill the review queue with weak possible matches.
 */
export const COMBINED_RULES: readonly BlockingRule[] = BLOCKING_RULES.filter((r) => !WIDE_RULES.has(r));

const STREET_WORDS = new Set([
  'street',
  'road',
  'avenue',
  'lane',
  'drive',
  'close',
  'crescent',
  'court',
  'gardens',
  'grove',
  'place',
  'square',
  'terrace',
  'way',
  'walk',
  'row',
  'mews',
  'view',
  'rise',
]);

/** The town or city of an address: its last word, when that is not a number or a kind of street ("…, Leeds"). */
export function townOf(r: PreparedRecord): string | null {
  const last = r.address[r.address.length - 1];
  if (!last || /\d/.test(last) || STREET_WORDS.has(last)) return null;
  return last;
}

/** The date of birth with day and month in order of size, so a day/month transposition shares the key. */
export function canonicalDob(ymd: number): number {
  const { y, m, d } = dateParts(ymd);
  if (d > 12) return ymd;
  return y * 10000 + Math.min(d, m) * 100 + Math.max(d, m);
}

function push(out: string[], key: string) {
  if (!out.includes(key)) out.push(key);
}

function nameKeys(r: PreparedRecord): string[] {
  const out: string[] = [];
  for (const n of r.names) {
    const [g, f] = [n.givenCodes[0], n.familyCodes[0]];
    if (g && f) push(out, g < f ? `${g}:${f}` : `${f}:${g}`);
  }
  return out;
}

/** Every blocking key of a record under one rule (several for names with parts, aliases or previous names). */
export function keysFor(rule: BlockingRule, r: PreparedRecord): string[] {
  const out: string[] = [];
  const place = r.postcode ?? r.rawPostcode;
  switch (rule) {
    case 'nhs':
      if (r.nhs) out.push(r.nhs);
      break;
    case 'upn':
      if (r.upn) out.push(r.upn);
      break;
    case 'other':
      if (r.other) out.push(r.other);
      break;
    // A shared email address or telephone number (normalised; one that did not parse is null). A household shares
    // a landline, so these propose pairs for scoring rather than decide them.
    case 'email':
      if (r.email) out.push(r.email);
      break;
    case 'telephone':
      if (r.telephone) out.push(r.telephone);
      break;
    case 'dob_name':
      if (r.dob === null) break;
      for (const n of r.names) {
        const dob = canonicalDob(r.dob);
        if (n.givenCodes[0]) push(out, `${dob}:${n.givenCodes[0]}`);
        if (n.familyCodes[0]) push(out, `${dob}:${n.familyCodes[0]}`);
        if (n.familyParts.length > 1) for (const p of n.familyParts) push(out, `${dob}:${p}`);
      }
      break;
    // Both names (in either order) with two of the three parts of the date of birth (so any one part may be
    // wrong), or with the district (date missing or quite different).
    case 'names_year_month':
      if (r.dob !== null) for (const k of nameKeys(r)) push(out, `${k}:${Math.floor(r.dob / 100)}`);
      break;
    case 'names_month_day':
      if (r.dob !== null) for (const k of nameKeys(r)) push(out, `${k}:${canonicalDob(r.dob) % 10000}`);
      break;
    case 'names_year_day':
      if (r.dob !== null) for (const k of nameKeys(r)) push(out, `${k}:${Math.floor(r.dob / 10000)}-${r.dob % 100}`);
      break;
    case 'names_district': {
      const area = r.district ?? r.rawPostcode;
      if (area) for (const k of nameKeys(r)) push(out, `${k}:${area}`);
      break;
    }
    case 'dob_postcode':
      if (r.dob !== null && place) out.push(`${canonicalDob(r.dob)}:${place}`);
      break;
    case 'given_postcode':
      if (place) for (const n of r.names) if (n.givenCodes[0]) push(out, `${n.givenCodes[0]}:${place}`);
      break;
    case 'dob':
      if (r.dob !== null) out.push(String(canonicalDob(r.dob)));
      break;
    case 'family_year':
      if (r.dob !== null) {
        const year = Math.floor(r.dob / 10000);
        for (const n of r.names) {
          if (n.familyCodes[0]) push(out, `${n.familyCodes[0]}:${year}`);
          for (const c of n.familyPartCodes) push(out, `${c}:${year}`);
        }
      }
      break;
    case 'given_place': {
      const town = townOf(r);
      for (const n of r.names) {
        const g = n.givenCodes[0];
        if (!g) continue;
        if (place) push(out, `${g}:${place}`);
        if (town) push(out, `${g}:t:${town}`);
      }
      break;
    }
    case 'name_month_day':
      if (r.dob !== null) {
        const md = canonicalDob(r.dob) % 10000;
        for (const n of r.names) {
          if (n.givenCodes[0]) push(out, `${n.givenCodes[0]}:${md}`);
          if (n.familyCodes[0]) push(out, `${n.familyCodes[0]}:${md}`);
        }
      }
      break;
    // Both names alone (no date of birth, or a wrong one, and a move), and the family name where the household
    // lives (a nickname or no given name, and no date of birth).
    case 'names':
      for (const k of nameKeys(r)) push(out, k);
      break;
    case 'family_postcode':
      if (place) for (const n of r.names) if (n.familyCodes[0]) push(out, `${n.familyCodes[0]}:${place}`);
      break;
  }
  return out;
}

export function blockingKeys(r: PreparedRecord, rules: readonly BlockingRule[] = BLOCKING_RULES) {
  return rules.flatMap((rule) => keysFor(rule, r).map((key) => ({ rule, key })));
}

/**
 * 32-bit FNV-1a: keys become numbers so that a million records block with typed-array sorts, not string maps.
 * `from` continues a hash already started (the rule's name), so no string is built to join the two.
 */
function hash(s: string, from = 0x811c9dc5): number {
  let h = from;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface BlockingOptions {
  rules?: readonly BlockingRule[];
  /**
   * Blocks larger than this (a very common name in one year, say) are not compared all against all. Under a rule
   * that combines fields, their members are sorted by date of birth and each is compared with its `window` nearest
   * neighbours; under a wide rule (one field), the block is capped: not paired at all.
   */
  maxBlockSize?: number;
  window?: number;
  /** Blocks larger than this are capped under every rule (default 2,000): a file where everyone shares a value. */
  capBlockSize?: number;
  /**
   * Most pairs the wide rules may produce together (default `widePairBudget(n)`). Their blocks are paired smallest
   * first: when the blocks up to `maxBlockSize` records would give more pairs than this, the largest sizes that do
   * not fit are capped as well, so that the work stays linear in the size of the file.
   */
  widePairBudget?: number;
  /** Each rule's `ruleEntries`, when already computed (by several threads): the result is the same either way. */
  entries?: ReadonlyMap<BlockingRule, Float64Array>;
}

export interface BlockingStats {
  rule: BlockingRule;
  keys: number;
  blocks: number;
  /** Blocks too large to compare all against all (compared by sorted neighbourhood instead). */
  largeBlocks: number;
  largeBlockRecords: number;
  /** Blocks too large to pair at all under this rule, the records they held and the largest of them. */
  cappedBlocks: number;
  cappedRecords: number;
  largestCappedBlock: number;
  /** Pairs this rule produced (a pair shared by several blocks of the rule counts once for each). */
  pairs: number;
  /** Distinct pairs that no earlier rule in the list produced. */
  newPairs: number;
}

/** Defaults: wide blocks up to 50 records are paired in full; no block beyond 2,000 records is paired. */
export const DEFAULT_MAX_BLOCK_SIZE = 50;
export const DEFAULT_CAP_BLOCK_SIZE = 2000;

/**
 * The wide rules' default budget of pairs: 2.5 million, or 2 a record in a larger file. Up to 100,000 records the
 * wide rules rarely reach it (2.5 million pairs are about 10 s of comparing); at 1,000,000 records they would
 * propose 19 million pairs, most of them in blocks of 20 to 50 people born on the same day of the year or sharing
 * a common name, where a true pair is rarest. Smaller blocks are paired first, as they hold the most true pairs for
 * each pair compared.
 */
export function widePairBudget(records: number): number {
  return Math.max(2_500_000, 2 * records);
}

/**
 * Candidate pairs (i < j), each once, as two parallel Int32Arrays. A hash collision between two keys only adds
 * pairs that are then scored and rejected; it never loses one.
 */
/** Pairs are numbers i·n+j with the rule in the low bits: (10⁶)² × 32 stays below 2⁵³, so they remain exact. */
const RULE_SLOTS = 32;

/** Entries are (key's hash) × scale + record index: the scale is the power of two above the number of records. */
function entryScale(n: number): number {
  return 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
}

/**
 * One rule's keys for every record, sorted: each entry is the key's hash (cut to fit beside the index) times
 * `entryScale(n)` plus the record's index. A function of the records alone, so that a worker thread holding the
 * same records computes exactly the entries this thread would (see parallel.ts).
 */
export function ruleEntries(records: readonly PreparedRecord[], rule: BlockingRule): Float64Array {
  const n = records.length;
  const idxBits = Math.max(1, Math.ceil(Math.log2(n + 1)));
  const hashShift = Math.max(0, idxBits - 21);
  const idxScale = entryScale(n);
  let entries: Float64Array = new Float64Array(n + 16);
  let e = 0;
  const prefix = hash(`${rule}|`);
  for (let i = 0; i < n; i++) {
    for (const key of keysFor(rule, records[i]!)) {
      if (e === entries.length) entries = grow(entries);
      entries[e++] = (hash(key, prefix) >>> hashShift) * idxScale + i;
    }
  }
  return entries.subarray(0, e).sort();
}

export function candidatePairs(records: readonly PreparedRecord[], options: BlockingOptions = {}) {
  const rules = options.rules ?? BLOCKING_RULES;
  if (rules.length > RULE_SLOTS) throw new Error(`At most ${RULE_SLOTS} blocking rules`);
  const cap = options.maxBlockSize ?? DEFAULT_MAX_BLOCK_SIZE;
  const hardCap = Math.max(cap, options.capBlockSize ?? DEFAULT_CAP_BLOCK_SIZE);
  const window = options.window ?? 8;
  const order = neighbourhoodOrder(records);
  let scratch = new Int32Array(1024);
  const n = records.length;
  const idxScale = entryScale(n);
  const stats: BlockingStats[] = [];
  let pairs: Float64Array = new Float64Array(1 << 20);
  let count = 0;

  const keyed = (rule: BlockingRule) => options.entries?.get(rule) ?? ruleEntries(records, rule);
  // The wide rules first: how many pairs each block size would give, so the budget goes to the smallest blocks.
  const wideKeys = new Map<BlockingRule, Float64Array>();
  const pairsBySize = new Float64Array(cap + 1);
  for (const rule of rules) {
    if (!WIDE_RULES.has(rule)) continue;
    const sorted = keyed(rule);
    wideKeys.set(rule, sorted);
    let start = 0;
    while (start < sorted.length) {
      const h = Math.floor(sorted[start]! / idxScale);
      let end = start + 1;
      while (end < sorted.length && Math.floor(sorted[end]! / idxScale) === h) end++;
      const size = end - start;
      if (size > 1 && size <= cap) pairsBySize[size]! += (size * (size - 1)) / 2;
      start = end;
    }
  }
  const budget = options.widePairBudget ?? widePairBudget(n);
  let wideCap = 1;
  for (let size = 2, spent = 0; size <= cap; size++) {
    spent += pairsBySize[size]!;
    if (spent > budget) break;
    wideCap = size;
  }

  for (let ruleIndex = 0; ruleIndex < rules.length; ruleIndex++) {
    const rule = rules[ruleIndex]!;
    const wide = WIDE_RULES.has(rule);
    const sorted = wideKeys.get(rule) ?? keyed(rule);
    wideKeys.delete(rule);
    const e = sorted.length;
    const s: BlockingStats = {
      rule,
      keys: e,
      blocks: 0,
      largeBlocks: 0,
      largeBlockRecords: 0,
      cappedBlocks: 0,
      cappedRecords: 0,
      largestCappedBlock: 0,
      pairs: 0,
      newPairs: 0,
    };
    let start = 0;
    while (start < e) {
      const h = Math.floor(sorted[start]! / idxScale);
      let end = start + 1;
      while (end < e && Math.floor(sorted[end]! / idxScale) === h) end++;
      const size = end - start;
      if (size > hardCap || (wide && size > wideCap)) {
        s.cappedBlocks++;
        s.cappedRecords += size;
        s.largestCappedBlock = Math.max(s.largestCappedBlock, size);
      } else if (size > 1) {
        s.blocks++;
        if (scratch.length < size) scratch = new Int32Array(size * 2);
        const members = scratch;
        for (let x = 0; x < size; x++) members[x] = sorted[start + x]! - h * idxScale;
        let span = size;
        if (size > cap) {
          s.largeBlocks++;
          s.largeBlockRecords += size;
          members.subarray(0, size).sort((p, q) => order[p]! - order[q]!);
          span = window + 1;
        }
        for (let x = 0; x < size; x++) {
          const i = members[x]!;
          const last = Math.min(size, x + span);
          for (let y = x + 1; y < last; y++) {
            const j = members[y]!;
            if (i === j) continue;
            if (count === pairs.length) pairs = grow(pairs);
            // The rule's place in the list rides in the low five bits, so the earliest rule of each pair is known.
            pairs[count++] = (i < j ? i * n + j : j * n + i) * RULE_SLOTS + ruleIndex;
            s.pairs++;
          }
        }
      }
      start = end;
    }
    stats.push(s);
  }

  const all = pairs.subarray(0, count).sort();
  const pairOf = (k: number) => Math.floor(all[k]! / RULE_SLOTS);
  let unique = 0;
  for (let k = 0; k < count; k++) if (k === 0 || pairOf(k) !== pairOf(k - 1)) unique++;
  const left = new Int32Array(unique);
  const right = new Int32Array(unique);
  let u = 0;
  for (let k = 0; k < count; k++) {
    const v = pairOf(k);
    if (k > 0 && v === pairOf(k - 1)) continue;
    // Sorted, so the first of a pair's entries carries the earliest rule that produced it.
    stats[all[k]! - v * RULE_SLOTS]!.newPairs++;
    const i = Math.floor(v / n);
    left[u] = i;
    right[u] = v - i * n;
    u++;
  }
  return { left, right, stats, generated: count, wideCap, wideBudgetReached: wideCap < cap };
}

/** Every pair of a small file (i < j), for when comparing them all costs less than missing one. */
export function allPairs(n: number): { left: Int32Array; right: Int32Array } {
  const total = (n * (n - 1)) / 2;
  const left = new Int32Array(total);
  const right = new Int32Array(total);
  let k = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      left[k] = i;
      right[k] = j;
      k++;
    }
  }
  return { left, right };
}

/** Rank of each record by date of birth: neighbours in a large block are the likeliest to be the same person. */
function neighbourhoodOrder(records: readonly PreparedRecord[]): Int32Array {
  const n = records.length;
  const packed = new Float64Array(n);
  for (let i = 0; i < n; i++) packed[i] = (records[i]!.dob ?? 0) * 2 ** 24 + i;
  packed.sort();
  const rank = new Int32Array(n);
  for (let k = 0; k < n; k++) rank[packed[k]! % 2 ** 24] = k;
  return rank;
}

function grow(a: Float64Array): Float64Array {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
