/**
 * Reading people from an agency's CSV extract for de-duplication: streamed (a million rows never sit in memory as
 * text), UTF-8 checked, and every problem reported with its line number instead of a stack trace.
 */
import { createReadStream } from 'node:fs';
import { access, constants } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { type CsvError, parse } from 'csv-parse';
import type { PersonRecord } from './record.ts';

export const CSV_FIELDS = [
  'given_name',
  'family_name',
  'date_of_birth',
  'sex',
  'postcode',
  'address',
  'nhs_number',
  'upn',
  'other_id',
  'email',
  'telephone',
] as const;
export type CsvField = (typeof CSV_FIELDS)[number];

const PROPERTY: Record<CsvField, keyof PersonRecord> = {
  given_name: 'givenName',
  family_name: 'familyName',
  date_of_birth: 'dateOfBirth',
  sex: 'sex',
  postcode: 'postcode',
  address: 'address',
  nhs_number: 'nhsNumber',
  upn: 'upn',
  other_id: 'otherId',
  email: 'email',
  telephone: 'telephone',
};

/** A problem with the input that the person running the command can fix. */
export class CsvInputError extends Error {
  constructor(
    message: string,
    readonly line?: number,
  ) {
    super(line === undefined ? message : `Line ${line}: ${message}`);
  }
}

/**
 * `given_name=forename,family_name=surname,address=street+town`: a field may join several columns with '+'.
 */
export function parseFieldMap(spec: string): Map<CsvField, string[]> {
  const map = new Map<CsvField, string[]>();
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (!item) continue;
    const eq = item.indexOf('=');
    if (eq < 1 || eq === item.length - 1) {
      throw new CsvInputError(`"${item}" in --map is not FIELD=COLUMN`);
    }
    const field = item.slice(0, eq).trim();
    if (!(CSV_FIELDS as readonly string[]).includes(field)) {
      throw new CsvInputError(`Unknown field "${field}" in --map. Fields are: ${CSV_FIELDS.join(', ')}`);
    }
    if (map.has(field as CsvField)) throw new CsvInputError(`Field "${field}" is mapped twice in --map`);
    const columns = item
      .slice(eq + 1)
      .split('+')
      .map((c) => c.trim())
      .filter(Boolean);
    map.set(field as CsvField, columns);
  }
  if (map.size === 0) throw new CsvInputError('--map names no fields');
  return map;
}

/** Passes bytes through unchanged but fails, with the line, at the first byte that is not UTF-8. */
export class Utf8Check extends Transform {
  private decoder = new TextDecoder('utf-8', { fatal: true });
  private lines = 1;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      done(new CsvInputError(notUtf8, this.lines + firstBadLine(chunk)));
      return;
    }
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    done(null, chunk);
  }

  override _flush(done: TransformCallback) {
    try {
      this.decoder.decode();
      done();
    } catch {
      done(new CsvInputError(notUtf8, this.lines));
    }
  }
}

const notUtf8 = 'the file is not UTF-8 text. Save it as "CSV UTF-8" and try again';

function firstBadLine(chunk: Buffer): number {
  let line = 0;
  let start = 0;
  for (;;) {
    const end = chunk.indexOf(10, start);
    const piece = chunk.subarray(start, end === -1 ? chunk.length : end);
    // A character cut at either edge of the chunk is not the culprit; anything else that fails is.
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(piece, { stream: end === -1 });
    } catch {
      if (start > 0 || end !== -1) return line;
    }
    if (end === -1) return line;
    line++;
    start = end + 1;
  }
}

export interface ReadOptions {
  idColumn: string;
  map: Map<CsvField, string[]>;
  /** Largest tolerated row, in characters: a runaway quote otherwise swallows the rest of the file. */
  maxRecordSize?: number;
  onProgress?: (rows: number) => void;
  progressEvery?: number;
}

export interface ReadResult {
  ids: string[];
  records: PersonRecord[];
  /** Line of each record (for reports). */
  lines: Int32Array;
}

export async function readPeopleCsv(path: string, options: ReadOptions): Promise<ReadResult> {
  try {
    await access(path, constants.R_OK);
  } catch {
    throw new CsvInputError(`Cannot read ${path}: no such file, or no permission to read it`);
  }
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    max_record_size: options.maxRecordSize ?? 100_000,
    info: true,
  });
  const source = createReadStream(path);
  const check = new Utf8Check();
  const fail = (err: unknown) => parser.destroy(err as Error);
  source.on('error', fail);
  check.on('error', fail);
  source.pipe(check).pipe(parser);

  const ids: string[] = [];
  const records: PersonRecord[] = [];
  let lines = new Int32Array(1024);
  let columns: Array<[keyof PersonRecord, number[]]> = [];
  let idIndex = -1;
  let header = true;
  const every = options.progressEvery ?? 100_000;
  try {
    for await (const row of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      const { record, info } = row;
      if (header) {
        ({ idIndex, columns } = resolveColumns(record, options));
        header = false;
        continue;
      }
      const id = record[idIndex] ?? '';
      if (!id) throw new CsvInputError(`the id column "${options.idColumn}" is blank`, info.lines);
      const person: PersonRecord = {};
      for (const [property, indexes] of columns) {
        let value = indexes.length === 1 ? record[indexes[0]!]! : indexes.map((i) => record[i]).join(' ');
        value = value.trim();
        if (value) (person as Record<string, string>)[property] = value;
      }
      if (records.length === lines.length) {
        const bigger = new Int32Array(lines.length * 2);
        bigger.set(lines);
        lines = bigger;
      }
      lines[records.length] = info.lines;
      ids.push(id);
      records.push(person);
      if (records.length % every === 0) options.onProgress?.(records.length);
    }
  } catch (err) {
    throw describe(err, path);
  }
  if (header) throw new CsvInputError(`${path} is empty: expected a header row naming the columns`);
  return { ids, records, lines: lines.subarray(0, records.length) };
}

function resolveColumns(headerRow: string[], options: ReadOptions) {
  const index = new Map<string, number>();
  headerRow.forEach((name, i) => {
    if (!index.has(name.toLowerCase())) index.set(name.toLowerCase(), i);
  });
  const find = (name: string) => {
    const i = index.get(name.toLowerCase());
    if (i === undefined) {
      throw new CsvInputError(`Column "${name}" is not in the file. Its columns are: ${headerRow.join(', ')}`);
    }
    return i;
  };
  const idIndex = find(options.idColumn);
  const columns: Array<[keyof PersonRecord, number[]]> = [];
  for (const [field, names] of options.map) columns.push([PROPERTY[field], names.map(find)]);
  return { idIndex, columns };
}

function describe(err: unknown, path: string): Error {
  if (err instanceof CsvInputError) return err;
  const csv = err as CsvError & { lines?: number };
  if (csv && typeof csv.code === 'string' && (csv.code.startsWith('CSV_') || csv.code.startsWith('INVALID_'))) {
    const messages: Record<string, string> = {
      CSV_RECORD_INCONSISTENT_FIELDS_LENGTH: 'the row has a different number of columns from the header',
      CSV_INVALID_CLOSING_QUOTE: 'a quoted value has a stray quote inside it (write "" for a quote within quotes)',
      CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed',
      CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'there is text after the closing quote of a value',
      CSV_INVALID_OPENING_QUOTE: 'a quote appears in the middle of an unquoted value',
      INVALID_OPENING_QUOTE: 'a quote appears in the middle of an unquoted value',
      CSV_MAX_RECORD_SIZE: 'the row is too large (a missing closing quote, or a field that is far too long)',
    };
    // csv-parse's own messages quote the cell, which may be personal data: never pass them on.
    return new CsvInputError(messages[csv.code] ?? 'the file is not valid CSV here', csv.lines);
  }
  const sys = err as NodeJS.ErrnoException;
  if (sys?.code === 'EISDIR') return new CsvInputError(`Cannot read ${path}: it is a folder`);
  return err instanceof Error ? err : new Error(String(err));
}
