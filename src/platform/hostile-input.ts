/**
 * Text the database cannot store, or that no form or API field ever needs, is refused once, at the
 * edge, before any handler sees it: C0 control characters other than tab, line feed and carriage
 * return (PostgreSQL rejects NUL outright), DEL, and lone UTF-16 surrogates (which cannot be encoded
 * as UTF-8). Values nested deeper than any form or API body needs are refused with them.
 */

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters being refused.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** No form or API body nests anywhere near this deep. */
export const MAX_DEPTH = 32;

export type Unstorable = 'characters' | 'depth';

export function hasUnstorableText(s: string): boolean {
  return CONTROL.test(s) || LONE_SURROGATE.test(s);
}

/** What, if anything, in a parsed query, path or body cannot be accepted. Walks without recursion. */
export function findUnstorable(value: unknown): Unstorable | null {
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (typeof v === 'string') {
      if (hasUnstorableText(v)) return 'characters';
      continue;
    }
    if (!v || typeof v !== 'object') continue;
    if (depth >= MAX_DEPTH) return 'depth';
    if (Array.isArray(v)) {
      for (const item of v) stack.push([item, depth + 1]);
      continue;
    }
    for (const [k, item] of Object.entries(v)) {
      if (hasUnstorableText(k)) return 'characters';
      stack.push([item, depth + 1]);
    }
  }
  return null;
}
