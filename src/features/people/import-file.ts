/**
 * Reading an import file: streamed, UTF-8 checked, each record with the line it starts on, and every problem with
 * the file itself (its encoding, its quoting, a runaway row) turned into one sentence instead of a stack trace.
 */
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { parse } from 'csv-parse';
import { CsvInputError, Utf8Check } from './matching/csv.ts';

/** The file cannot be imported at all. `unreadable` when it could not even be opened. */
export class ImportFileError extends Error {
  constructor(
    message: string,
    readonly unreadable = false,
  ) {
    super(message);
  }
}

export const DEFAULT_MAX_ROW_SIZE = 65_536;
export const DEFAULT_MAX_ROWS = 500_000;

const SAVE_AS = 'Save it as "CSV UTF-8" and try again';

/** Fails at the first NUL byte: text files have none, but UTF-16 text is full of them. */
class NulCheck extends Transform {
  private lines = 1;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
    const nul = chunk.indexOf(0);
    if (nul !== -1) {
      let line = this.lines;
      for (let i = chunk.indexOf(10); i !== -1 && i < nul; i = chunk.indexOf(10, i + 1)) line++;
      done(
        new ImportFileError(
          `Line ${line}: the file contains a NUL byte, so it is not UTF-8 text (it may be UTF-16). ${SAVE_AS}`,
        ),
      );
      return;
    }
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) this.lines++;
    done(null, chunk);
  }
}

/** What csv-parse's error codes mean for the person fixing the file (its own messages can quote a value). */
const CSV_PROBLEMS: Record<string, string> = {
  CSV_INVALID_CLOSING_QUOTE: 'a quoted value has a stray quote inside it (write "" for a quote within quotes)',
  CSV_QUOTE_NOT_CLOSED: 'a quoted value is never closed: a closing quote is missing',
  CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE: 'there is text after the closing quote of a value',
  INVALID_OPENING_QUOTE: 'a quote appears in the middle of a value that is not in quotes',
  CSV_INVALID_OPENING_QUOTE: 'a quote appears in the middle of a value that is not in quotes',
};

async function checkStart(path: string): Promise<void> {
  let start: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      start = Buffer.alloc(4);
      const { bytesRead } = await handle.read(start, 0, 4, 0);
      start = start.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw unreadable(path, err as NodeJS.ErrnoException);
  }
  if ((start[0] === 0xff && start[1] === 0xfe) || (start[0] === 0xfe && start[1] === 0xff)) {
    throw new ImportFileError(
      `The file is UTF-16 text (it starts with a UTF-16 byte order mark), not UTF-8. ${SAVE_AS}`,
    );
  }
}

function unreadable(path: string, err: NodeJS.ErrnoException): ImportFileError {
  const why =
    err.code === 'EISDIR'
      ? 'it is a folder, not a file'
      : err.code === 'ENOENT' || err.code === 'EACCES' || err.code === 'EPERM'
        ? 'no such file, or no permission to read it'
        : `the file system said ${err.code ?? err.message}`;
  return new ImportFileError(`Cannot read ${path}: ${why}`, true);
}

export interface CsvRecord {
  values: string[];
  /** The line the record starts on (a quoted value may run over several lines). */
  line: number;
}

/**
 * The records of a CSV file, header first, blank lines skipped. Throws ImportFileError for a file that cannot be
 * read as UTF-8 CSV; rows of different lengths are passed on for the caller to report.
 */
export async function* readCsvRecords(path: string, options: { maxRowSize?: number } = {}): AsyncGenerator<CsvRecord> {
  await checkStart(path);
  const maxRowSize = options.maxRowSize ?? DEFAULT_MAX_ROW_SIZE;
  // Where the last record ended, kept as the parser goes: it can fail before the records before it are read out.
  let lastEnd = 0;
  let lastEmpty = 0;
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    relax_column_count: true,
    // Files put together from several sources can mix line endings.
    record_delimiter: ['\r\n', '\n', '\r'],
    max_record_size: maxRowSize,
    on_record: (values: string[], context: { lines: number; empty_lines: number }) => {
      const line = lastEnd + 1 + (context.empty_lines - lastEmpty);
      lastEnd = context.lines;
      lastEmpty = context.empty_lines;
      return { values, line } as unknown as string[];
    },
  });
  const source = createReadStream(path);
  const nul = new NulCheck();
  const utf8 = new Utf8Check();
  const fail = (err: unknown) => parser.destroy(err as Error);
  source.on('error', fail);
  nul.on('error', fail);
  utf8.on('error', fail);
  source.pipe(nul).pipe(utf8).pipe(parser);

  try {
    for await (const record of parser as AsyncIterable<CsvRecord>) yield record;
  } catch (err) {
    if (err instanceof ImportFileError) throw err;
    if (err instanceof CsvInputError) throw new ImportFileError(err.message);
    const sys = err as NodeJS.ErrnoException;
    if (sys?.syscall) throw unreadable(path, sys);
    const csv = err as { code?: unknown; empty_lines?: unknown };
    if (typeof csv?.code === 'string') {
      // The row being read when the parser gave up starts after the last one it finished (and any blank lines).
      const line = lastEnd + 1 + (typeof csv.empty_lines === 'number' ? csv.empty_lines - lastEmpty : 0);
      if (csv.code === 'CSV_MAX_RECORD_SIZE') {
        throw new ImportFileError(
          `Line ${line}: the row is longer than ${maxRowSize.toLocaleString('en-GB')} characters ` +
            '(is a closing quote missing, or a value far too long?)',
        );
      }
      throw new ImportFileError(
        `Line ${line}: ${CSV_PROBLEMS[csv.code] ?? `the file cannot be read as CSV (${csv.code})`}`,
      );
    }
    throw err;
  } finally {
    source.destroy();
  }
}
