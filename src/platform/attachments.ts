/**
 * Attachments, built once for every record that takes files (a child's record first; contacts, assessments and
 * panel papers later): reading an upload without buffering more than the limit, deciding what a file is from its
 * content, storing it in the database with its checksum, and sending it back safely.
 *
 * - The media type is detected from the content (file-type), never taken from the name or the browser, and only
 *   documents and pictures are allowed. Plain text, HTML and SVG are left out: they have no reliable signature
 *   and HTML and SVG can carry script.
 * - The upload is read as a stream. The form sends `_csrf` first: the CSRF token is checked before any file byte
 *   is read, and a file over the limit stops the reading (the connection is then closed, not drained).
 * - The content is kept in the database (`attachment.content`), so backup, restore and the embedded engine
 *   carry it; a checksum taken on upload is checked on every read.
 */
import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import type {} from '@fastify/multipart';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { fileTypeFromBuffer } from 'file-type';
import type { Transaction } from 'kysely';
import type { Q } from '../db/connection.ts';
import type { AttachmentOwnerKind, DB } from '../db/schema.ts';
import { type FieldError, HttpError, UnstorableInputError } from './errors.ts';
import { findUnstorable } from './hostile-input.ts';

/** The types an attachment may be, by media type as detected from the content. */
export const ALLOWED_TYPES: Readonly<Record<string, { ext: string; label: string }>> = {
  'application/pdf': { ext: 'pdf', label: 'PDF' },
  'image/png': { ext: 'png', label: 'PNG image' },
  'image/jpeg': { ext: 'jpg', label: 'JPEG image' },
  'image/gif': { ext: 'gif', label: 'GIF image' },
  'image/webp': { ext: 'webp', label: 'WebP image' },
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': {
    ext: 'docx',
    label: 'Word document',
  },
  'application/msword': { ext: 'doc', label: 'Word 97–2003 document' },
  'application/vnd.oasis.opendocument.text': { ext: 'odt', label: 'OpenDocument text' },
};

/** What is allowed, in the words every refusal uses. */
export const ALLOWED_IN_WORDS =
  'a PDF, a PNG, JPEG, GIF or WebP image, a Word document (.docx or .doc) or an OpenDocument text (.odt)';

export type Refusal = 'missing' | 'empty' | 'too-large' | 'not-allowed' | 'program' | 'web-page';

/** The file field's id on every upload form, for the error summary's link. */
export const FILE_FIELD = 'file';

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024) {
    const mb = n / (1024 * 1024);
    return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
  }
  if (n >= 1024) return `${Math.max(1, Math.round(n / 1024))} KB`;
  return `${n} bytes`;
}

/** The GOV.UK error message for a refused file: each says what is allowed. */
export function refusalMessage(reason: Refusal, maxBytes: number): string {
  switch (reason) {
    case 'missing':
      return `Select a file to upload. It must be ${ALLOWED_IN_WORDS}`;
    case 'empty':
      return 'The selected file is empty. Choose the file again, or a different one';
    case 'too-large':
      return `The selected file must be smaller than ${formatBytes(maxBytes)}`;
    case 'program':
      return `The selected file is a program, not a document, so it cannot be uploaded. The selected file must be ${ALLOWED_IN_WORDS}`;
    case 'web-page':
      return `The selected file is a web page or a drawing that can contain script, so it cannot be uploaded. The selected file must be ${ALLOWED_IN_WORDS}`;
    case 'not-allowed':
      return `The selected file must be ${ALLOWED_IN_WORDS}`;
  }
}

const PROGRAM_TYPES = new Set([
  'application/x-msdownload',
  'application/x-elf',
  'application/x-mach-binary',
  'application/x-sharedlib',
  'application/java-archive',
  'application/vnd.android.package-archive',
  'application/x-xpinstall',
  'application/vnd.microsoft.portable-executable',
  'application/wasm',
  'application/x-msi',
]);

/** An executable by its signature: Windows (MZ), Linux (ELF), macOS (Mach-O), or a script with a #! line. */
function looksLikeProgram(b: Uint8Array): boolean {
  const head = Buffer.from(b.subarray(0, 4));
  if (head.subarray(0, 2).toString('latin1') === 'MZ') return true;
  if (head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return true;
  const magic = head.length === 4 ? head.readUInt32BE(0) : 0;
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe].includes(magic)) return true;
  return head.subarray(0, 2).toString('latin1') === '#!';
}

/** HTML, SVG or XML that a browser could run: text starting (after a byte-order mark and space) with markup. */
function looksLikeMarkup(b: Uint8Array): boolean {
  const text = Buffer.from(b.subarray(0, 1024))
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .trimStart()
    .toLowerCase();
  if (!text.startsWith('<')) return false;
  return /<(!doctype\s+html|html|head|body|script|svg|iframe|object|embed|\?xml)\b/.test(text);
}

/** A legacy Word document is an OLE compound file with a WordDocument stream (other compound files, MSI, are not). */
function isWordCompoundFile(b: Uint8Array): boolean {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).includes(Buffer.from('WordDocument', 'utf16le'));
}

export type Detection = { ok: true; mediaType: string; ext: string } | { ok: false; reason: Refusal };

/** What a file is, from its content alone; a refusal says why it may not be attached. */
export async function detectType(content: Uint8Array): Promise<Detection> {
  if (content.byteLength === 0) return { ok: false, reason: 'empty' };
  if (looksLikeProgram(content)) return { ok: false, reason: 'program' };
  let found: { mime: string; ext: string } | undefined;
  try {
    found = await fileTypeFromBuffer(content);
  } catch {
    found = undefined;
  }
  if (found && PROGRAM_TYPES.has(found.mime)) return { ok: false, reason: 'program' };
  if (found?.mime === 'application/x-cfb') {
    return isWordCompoundFile(content)
      ? { ok: true, mediaType: 'application/msword', ext: 'doc' }
      : { ok: false, reason: 'not-allowed' };
  }
  const allowed = found ? ALLOWED_TYPES[found.mime] : undefined;
  if (found && allowed) return { ok: true, mediaType: found.mime, ext: allowed.ext };
  if ((!found || found.mime === 'application/xml') && looksLikeMarkup(content))
    return { ok: false, reason: 'web-page' };
  return { ok: false, reason: 'not-allowed' };
}

/**
 * The name as given, made safe to show: the folder part some browsers send, control and bidirectional-override
 * characters (which can make "exe.pdf" read as "fdp.exe") and surplus space go. Never used as a download name.
 */
export function displayName(given: string | undefined): string {
  const base = (given ?? '').split(/[\\/]/).pop() ?? '';
  const clean = base
    .replace(/[\t\n\r]/g, ' ')
    // biome-ignore lint/suspicious/noControlCharactersInRegex: removing control characters is the point
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
    // Lone surrogate halves cannot be stored; pairs (emoji) stay.
    .replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  if (!clean) return 'Unnamed file';
  return [...clean].slice(0, 200).join('');
}

export function sha256Hex(content: Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

// ---- Reading an upload ---------------------------------------------------------------------------------------

/** What an upload form sent: its text fields, and the file (or why it was not read). */
export interface Upload {
  fields: Record<string, string>;
  /** Every value of a field sent more than once (checkboxes), in the order sent; `fields` keeps the first. */
  lists: Record<string, string[]>;
  file?: { name: string; content: Buffer };
  /** The file was not read, or not all of it: the refusal to show. */
  refusal?: Refusal;
}

const MAX_FIELD_BYTES = 16 * 1024;

/** Checks the CSRF token as the web platform does for any other form, with the token read from the upload. */
async function checkCsrf(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  token: string | undefined,
) {
  const saved = request.body;
  request.body = { _csrf: token };
  try {
    await new Promise<void>((resolve, reject) => {
      app.csrfProtection(request, reply, (err?: Error) => (err ? reject(err) : resolve()));
    });
  } finally {
    request.body = saved;
  }
}

/**
 * Reads a file stream into memory, stopping as soon as it is over the limit: the stream is destroyed, which stops
 * the multipart parser reading the request any further.
 */
function readLimited(
  stream: Readable & { truncated?: boolean },
  maxBytes: number,
): Promise<{ tooLarge: true } | { tooLarge: false; content: Buffer }> {
  return new Promise((resolve, reject) => {
    // The parser may already have given up on this part (the request ended early) before it was handed over.
    if (stream.destroyed) {
      reject(stream.errored ?? new HttpError(400, 'The upload ended before the whole file was sent. Try again.'));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const tooLarge = () => {
      if (settled) return;
      settled = true;
      stream.destroy();
      resolve({ tooLarge: true });
    };
    stream.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) tooLarge();
      else chunks.push(chunk);
    });
    stream.on('limit', tooLarge);
    stream.on('end', () => {
      if (stream.truncated) return tooLarge();
      if (settled) return;
      settled = true;
      resolve({ tooLarge: false, content: Buffer.concat(chunks, size) });
    });
    stream.on('error', (err) => {
      if (settled) return;
      settled = true;
      reject(err);
    });
    stream.on('close', () => {
      if (settled) return;
      settled = true;
      reject(new HttpError(400, 'The upload ended before the whole file was sent. Try again.'));
    });
  });
}

/**
 * Reads an upload form (multipart/form-data) on a route registered with `config: { multipartCsrf: true }`. The
 * CSRF token must come first (the form's first field): no file byte is read before it is checked. Text fields are
 * checked for characters that cannot be stored. One file, in the field named `file`, of at most `maxBytes`.
 * A form not sent as multipart (a client that ignored the enctype) still has its token checked, and has no file.
 */
export async function readUpload(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  maxBytes: number,
  /** A longer form than the usual description and file (the public request form): how many text fields it has. */
  options: { fields?: number } = {},
): Promise<Upload> {
  if (!request.isMultipart()) {
    const body = (request.body ?? {}) as Record<string, unknown>;
    await checkCsrf(app, request, reply, typeof body._csrf === 'string' ? body._csrf : undefined);
    const fields = Object.fromEntries(
      Object.entries(body).filter((e): e is [string, string] => typeof e[1] === 'string' && e[0] !== '_csrf'),
    );
    const lists = Object.fromEntries(
      Object.entries(body).filter((e): e is [string, string[]] => Array.isArray(e[1]) && e[0] !== '_csrf'),
    );
    return { fields, lists, refusal: 'missing' };
  }
  const upload: Upload = { fields: {}, lists: {} };
  let csrfChecked = false;
  const parts = request.parts({
    limits: {
      fileSize: maxBytes,
      files: 1,
      fields: options.fields ?? 10,
      fieldSize: MAX_FIELD_BYTES,
      parts: (options.fields ?? 10) + 2,
    },
  });
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.fieldname === '_csrf' && !csrfChecked) {
          await checkCsrf(app, request, reply, typeof part.value === 'string' ? part.value : undefined);
          csrfChecked = true;
          continue;
        }
        if (!csrfChecked) {
          // The token must come before anything else: a form that puts it later is refused unread.
          await checkCsrf(app, request, reply, undefined);
        }
        if (typeof part.value === 'string') {
          const value = part.valueTruncated ? part.value.slice(0, MAX_FIELD_BYTES) : part.value;
          if (!(part.fieldname in upload.fields)) upload.fields[part.fieldname] = value;
          upload.lists[part.fieldname] = [...(upload.lists[part.fieldname] ?? []), value];
        }
        continue;
      }
      // A file.
      if (!csrfChecked) {
        part.file.destroy();
        await checkCsrf(app, request, reply, undefined);
      }
      if (part.fieldname !== FILE_FIELD || upload.file || upload.refusal) {
        part.file.destroy();
        throw new HttpError(400, 'The form sent a file it does not ask for.');
      }
      const read = await readLimited(part.file, maxBytes);
      if (read.tooLarge) {
        // Stop here: nothing more of the request is read, and the connection closes after the answer.
        upload.refusal = 'too-large';
        break;
      }
      // A file input left empty arrives as a part with no name and no content.
      if (!part.filename && read.content.length === 0) upload.refusal = 'missing';
      else upload.file = { name: part.filename, content: read.content };
    }
  } catch (err) {
    const code = (err as { code?: string }).code ?? '';
    if (code.startsWith('FST_CSRF')) throw err;
    if (code === 'FST_FILES_LIMIT' || code === 'FST_PARTS_LIMIT' || code === 'FST_FIELDS_LIMIT') {
      throw new HttpError(413, 'The form sent more than it should.');
    }
    if (err instanceof HttpError) throw err;
    throw new HttpError(400, 'The upload could not be read. Try again.');
  }
  if (!csrfChecked) await checkCsrf(app, request, reply, undefined);
  if (findUnstorable(upload.fields) || findUnstorable(upload.lists)) {
    throw new UnstorableInputError('characters');
  }
  if (!upload.file && !upload.refusal) upload.refusal = 'missing';
  return upload;
}

/** The refusal of an upload as a field error for the form's error summary. */
export function uploadError(refusal: Refusal, maxBytes: number): FieldError {
  return { field: FILE_FIELD, message: refusalMessage(refusal, maxBytes) };
}

// ---- Storing and reading ---------------------------------------------------------------------------------------

export interface NewAttachment {
  ownerKind: AttachmentOwnerKind;
  ownerId: string;
  /** The child's record (owner kind 'person'); null for a contact's files. */
  personId: string | null;
  /** Null, with uploadedBy, for a file sent with the public request form. */
  organisationId: string | null;
  uploadedBy: string | null;
  fileName: string;
  description: string;
  content: Buffer;
  at: Date;
}

/** A file that passed every check, ready to store. */
export interface CheckedFile {
  mediaType: string;
  ext: string;
}

/** Checks a file and, if it is allowed, stores it; returns the refusal otherwise. Nothing is stored on refusal. */
export async function checkFile(content: Buffer, maxBytes: number): Promise<Detection> {
  if (content.length > maxBytes) return { ok: false, reason: 'too-large' };
  return detectType(content);
}

export async function insertAttachment(trx: Transaction<DB>, file: NewAttachment, checked: CheckedFile) {
  const row = await trx
    .insertInto('attachment')
    .values({
      owner_kind: file.ownerKind,
      owner_id: file.ownerId,
      person_id: file.personId,
      organisation_id: file.organisationId,
      uploaded_by: file.uploadedBy,
      file_name: displayName(file.fileName),
      media_type: checked.mediaType,
      extension: checked.ext,
      size_bytes: file.content.length,
      sha256: sha256Hex(file.content),
      description: file.description,
      content: file.content,
      created_at: file.at,
    })
    .returning(['id', 'sha256'])
    .executeTakeFirstOrThrow();
  return row;
}

/** An attachment as lists show it: never its content. */
export interface AttachmentSummary {
  id: string;
  owner_kind: AttachmentOwnerKind;
  owner_id: string;
  person_id: string;
  organisation_id: string;
  organisation_name: string;
  uploaded_by: string;
  uploaded_by_name: string;
  file_name: string;
  media_type: string;
  extension: string;
  size_bytes: number;
  description: string;
  created_at: Date;
}

/**
 * One query for every kind of owner. The joins are outer because a file sent with the public request
 * form has no uploader or organisation; a person's file always has both (the columns are set on upload).
 */
function attachmentRows(db: Q, ownerKind: AttachmentOwnerKind) {
  return db
    .selectFrom('attachment as a')
    .leftJoin('organisation as o', 'o.id', 'a.organisation_id')
    .leftJoin('app_user as u', 'u.id', 'a.uploaded_by')
    .select([
      'a.id',
      'a.owner_kind',
      'a.owner_id',
      'a.person_id',
      'a.organisation_id',
      'o.name as organisation_name',
      'a.uploaded_by',
      'u.name as uploaded_by_name',
      'a.file_name',
      'a.media_type',
      'a.extension',
      'a.size_bytes',
      'a.description',
      'a.created_at',
    ])
    .where('a.owner_kind', '=', ownerKind)
    .where('a.deleted_at', 'is', null);
}

function summaries(db: Q) {
  return attachmentRows(db, 'person').$narrowType<{
    person_id: string;
    organisation_id: string;
    organisation_name: string;
    uploaded_by: string;
    uploaded_by_name: string;
  }>();
}

/** The attachments on a child's record, newest first (a merge carries them, as it carries person_id). */
export async function attachmentsOfPerson(db: Q, personId: string): Promise<AttachmentSummary[]> {
  return summaries(db)
    .where('a.owner_kind', '=', 'person')
    .where('a.person_id', '=', personId)
    .orderBy('a.created_at', 'desc')
    .orderBy('a.id')
    .execute();
}

export async function findAttachment(db: Q, id: string): Promise<AttachmentSummary | undefined> {
  return summaries(db).where('a.id', '=', id).executeTakeFirst();
}

/** A contact's file as its page lists it: never its content. No uploader for a file sent with the public form. */
export type ContactAttachmentSummary = Omit<
  AttachmentSummary,
  'owner_kind' | 'person_id' | 'organisation_id' | 'organisation_name' | 'uploaded_by' | 'uploaded_by_name'
> & {
  organisation_id: string | null;
  organisation_name: string | null;
  uploaded_by: string | null;
  uploaded_by_name: string | null;
};

function contactSummaries(db: Q) {
  return attachmentRows(db, 'contact');
}

/** The files on a contact, oldest first. */
export async function attachmentsOfContact(db: Q, contactId: string): Promise<ContactAttachmentSummary[]> {
  return contactSummaries(db).where('a.owner_id', '=', contactId).orderBy('a.created_at').orderBy('a.id').execute();
}

/** One of a contact's files, or undefined (another contact's, or not a contact's). */
export async function findContactAttachment(
  db: Q,
  contactId: string,
  id: string,
): Promise<ContactAttachmentSummary | undefined> {
  return contactSummaries(db).where('a.owner_id', '=', contactId).where('a.id', '=', id).executeTakeFirst();
}

/** The stored file does not match the checksum taken when it was uploaded: it is never sent. */
export class CorruptAttachmentError extends HttpError {
  constructor() {
    super(
      500,
      'The file is damaged and cannot be downloaded. Ask your system administrator to restore it from a backup.',
    );
  }
}

/** The content, checked against the checksum taken on upload. */
export async function readContent(db: Q, id: string): Promise<Buffer> {
  const row = await db
    .selectFrom('attachment')
    .select(['content', 'sha256', 'size_bytes'])
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  if (!row) throw new CorruptAttachmentError();
  const content = Buffer.from(row.content.buffer, row.content.byteOffset, row.content.byteLength);
  if (content.length !== row.size_bytes || sha256Hex(content) !== row.sha256) throw new CorruptAttachmentError();
  return content;
}

export async function markDeleted(trx: Transaction<DB>, id: string, by: string, reason: string, at: Date) {
  const r = await trx
    .updateTable('attachment')
    .set({ deleted_at: at, deleted_by: by, deleted_reason: reason })
    .where('id', '=', id)
    .where('deleted_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) === 1;
}

// ---- Sending -------------------------------------------------------------------------------------------------

/** The download's name: the attachment's id, never the name as given (which may say who the child is). */
export function downloadName(a: { id: string; extension: string }): string {
  return `attachment-${a.id.slice(0, 8)}.${a.extension}`;
}

/** Sends a file as a download: its detected type, no sniffing, never cached, never shown in the page. */
export function sendAttachment(
  reply: FastifyReply,
  a: { id: string; extension: string; media_type: string },
  content: Buffer,
) {
  return reply
    .header('Content-Type', a.media_type)
    .header('Content-Disposition', `attachment; filename="${downloadName(a)}"`)
    .header('X-Content-Type-Options', 'nosniff')
    .header('Cache-Control', 'no-store')
    .header('Content-Security-Policy', "default-src 'none'; sandbox")
    .header('Content-Length', String(content.length))
    .send(content);
}
