import { createHash } from 'node:crypto';

/**
 * A small seeded generator (mulberry32) so the demo data is the same on every run: screenshots,
 * training notes and tests can name a demo family and find it again.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max], both ends included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** Picks by weight; weights need not add up to anything in particular. */
  weighted<T>(entries: readonly (readonly [T, number])[]): T {
    const total = entries.reduce((sum, [, w]) => sum + w, 0);
    let r = this.next() * total;
    for (const [value, weight] of entries) {
      r -= weight;
      if (r < 0) return value;
    }
    return entries[entries.length - 1]![0];
  }

  /**
   * Picks from a list ordered most common first, with a long tail: names and surnames in a real
   * population follow roughly this shape, so the first few turn up often and the rest now and then.
   * A larger skew favours the head of the list more.
   */
  common<T>(items: readonly T[], skew = 0.8): T {
    if (items.length === 0) throw new Error('pick from an empty list');
    const weights = items.map((_, i) => 1 / (i + 1) ** skew);
    const total = weights.reduce((a, b) => a + b, 0);
    let r = this.next() * total;
    for (let i = 0; i < items.length; i++) {
      r -= weights[i]!;
      if (r < 0) return items[i] as T;
    }
    return items[items.length - 1] as T;
  }
}

/**
 * A stable identifier for a demo row, derived from a name for it ("person:17"), so rows can refer
 * to each other before they are inserted and every install holds the same ids. The version nibble
 * is 8 (RFC 9562 "custom"): these are not random UUIDs.
 */
export function demoId(key: string): string {
  const h = createHash('sha256').update(`early-help-demo:${key}`).digest('hex');
  const variant = ((Number.parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-8${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The calendar date (UTC) of an instant, as 'YYYY-MM-DD'. */
export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/** A date `days` after (or, negative, before) the given 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return isoDate(d);
}

/** Whole years between two 'YYYY-MM-DD' dates, as a birthday count. */
export function ageOn(dateOfBirth: string, on: string): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}
