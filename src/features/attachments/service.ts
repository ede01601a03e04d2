/**
 * Files on a child's record. Seeing, uploading and downloading them needs what case detail needs (sharing.ts): a
 * role whose work needs case detail and a relationship with the child; a file another agency uploaded also needs
 * a basis (a consent covering the user's organisation, or a recorded lawful basis). No relationship: not found.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DB, Role } from '../../db/schema.ts';
import { type Actor, hasRole, requireRole } from '../../platform/access.ts';
import {
  type AttachmentSummary,
  attachmentsOfPerson,
  checkFile,
  findAttachment,
  insertAttachment,
  markDeleted,
  type Refusal,
  readContent,
} from '../../platform/attachments.ts';
import { recordAudit } from '../../platform/audit.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { ForbiddenError, NotFoundError } from '../../platform/errors.ts';
import { type AccessContext, accessContext, accessFromContext, CASE_DETAIL_ROLES } from '../../platform/sharing.ts';
import { findPerson } from '../people/repository.ts';

/** Roles that record case detail, and so may attach files to a child's record they work with. */
export const UPLOAD_ROLES: Role[] = ['practitioner', 'manager', 'front_door', 'integrated_processes'];

type Trx = Transaction<DB>;

/** A file another agency uploaded shows only with a basis for sharing; one's own agency's always shows. */
function visible(access: AccessContext, a: Pick<AttachmentSummary, 'organisation_id'>): boolean {
  return accessFromContext(access, a.organisation_id).allowed;
}

/** The uploader, or a manager in the agency that owns the file, may remove it (with a reason). */
export function mayDelete(actor: Actor, a: Pick<AttachmentSummary, 'organisation_id' | 'uploaded_by'>): boolean {
  if (a.organisation_id !== actor.organisationId || !hasRole(actor, ...UPLOAD_ROLES)) return false;
  return a.uploaded_by === actor.userId || !!hasRole(actor, 'manager');
}

export class AttachmentService {
  constructor(
    private readonly db: Kysely<DB>,
    readonly maxBytes: number,
  ) {}

  /**
   * The child, if the actor has a relationship with them now; otherwise not found. A merged record is the record
   * kept (its files moved there with the merge), under the same check.
   */
  private async subject(trx: Trx | Kysely<DB>, ctx: RequestContext, personId: string) {
    const found = await findPerson(trx, personId);
    const person = found?.kept_id ? await findPerson(trx, found.kept_id) : found;
    if (!person || person.merged_into) throw new NotFoundError();
    const access = await accessContext(trx, ctx.actor!, person.id, ctx.at);
    if (!access.relationship) throw new NotFoundError();
    return { person, access };
  }

  /** The files on a child's record the actor may see; those they may not are counted, never described. */
  async forPerson(ctx: RequestContext, personId: string) {
    const role = requireRole(ctx.actor, ...CASE_DETAIL_ROLES);
    const actor = ctx.actor!;
    return this.db.transaction().execute(async (trx) => {
      const { person, access } = await this.subject(trx, ctx, personId);
      const all = await attachmentsOfPerson(trx, person.id);
      const shown = all.filter((a) => visible(access, a));
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'attachment.list.viewed',
        recordType: 'person',
        recordId: person.id,
        details: { shown: shown.map((a) => a.id), hidden: all.length - shown.length },
      });
      return {
        person,
        attachments: shown.map((a) => ({ ...a, canDelete: mayDelete(actor, a) })),
        hidden: all.length - shown.length,
        reasons: access.crossBasis ? [] : access.reasons,
        canUpload: !!hasRole(actor, ...UPLOAD_ROLES),
        maxBytes: this.maxBytes,
      };
    });
  }

  /** May the actor upload to this child's record? Checked before any of the upload is read. */
  async mayUpload(ctx: RequestContext, personId: string): Promise<void> {
    requireRole(ctx.actor, ...UPLOAD_ROLES);
    await this.subject(this.db, ctx, personId);
  }

  /**
   * Stores a file on a child's record, or says why not. The checks run before anything is written, and the file
   * and its audit event are written in one transaction: a refused or failed upload leaves nothing behind.
   */
  async upload(
    ctx: RequestContext,
    personId: string,
    input: { fileName: string; description: string; content: Buffer },
  ): Promise<{ ok: true; id: string } | { ok: false; refusal: Refusal }> {
    const role = requireRole(ctx.actor, ...UPLOAD_ROLES);
    const actor = ctx.actor!;
    const checked = await checkFile(input.content, this.maxBytes);
    return this.db.transaction().execute(async (trx) => {
      const { person } = await this.subject(trx, ctx, personId);
      if (!checked.ok) return { ok: false as const, refusal: checked.reason };
      const row = await insertAttachment(
        trx,
        {
          ownerKind: 'person',
          ownerId: person.id,
          personId: person.id,
          organisationId: actor.organisationId,
          uploadedBy: actor.userId,
          fileName: input.fileName,
          description: input.description,
          content: input.content,
          at: ctx.at,
        },
        checked,
      );
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'attachment.uploaded',
        recordType: 'attachment',
        recordId: row.id,
        details: {
          personId: person.id,
          mediaType: checked.mediaType,
          sizeBytes: input.content.length,
          sha256: row.sha256,
        },
      });
      return { ok: true as const, id: row.id };
    });
  }

  /** One of the child's files the actor may see, or not found. */
  private async visibleAttachment(trx: Trx, ctx: RequestContext, personId: string, attachmentId: string) {
    const { person, access } = await this.subject(trx, ctx, personId);
    const attachment = await findAttachment(trx, attachmentId);
    if (attachment?.owner_kind !== 'person' || attachment.person_id !== person.id) {
      throw new NotFoundError();
    }
    if (!visible(access, attachment)) throw new NotFoundError();
    return { person, attachment };
  }

  /** The file's content, checked against its checksum, with the download audited in the same transaction. */
  async download(ctx: RequestContext, personId: string, attachmentId: string) {
    const role = requireRole(ctx.actor, ...CASE_DETAIL_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const { attachment } = await this.visibleAttachment(trx, ctx, personId, attachmentId);
      const content = await readContent(trx, attachment.id);
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'attachment.downloaded',
        recordType: 'attachment',
        recordId: attachment.id,
        details: { personId: attachment.person_id },
      });
      return { attachment, content };
    });
  }

  /** The file to remove, for the page that asks why. */
  async forDelete(ctx: RequestContext, personId: string, attachmentId: string) {
    requireRole(ctx.actor, ...UPLOAD_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const found = await this.visibleAttachment(trx, ctx, personId, attachmentId);
      if (!mayDelete(ctx.actor!, found.attachment)) {
        throw new ForbiddenError(
          'Only the person who uploaded a file, or a manager in their organisation, can remove it',
        );
      }
      return found;
    });
  }

  /** Removes a file from the record (kept, marked deleted, with who and why), audited. */
  async delete(ctx: RequestContext, personId: string, attachmentId: string, reason: string) {
    const role = requireRole(ctx.actor, ...UPLOAD_ROLES);
    return this.db.transaction().execute(async (trx) => {
      const { attachment } = await this.visibleAttachment(trx, ctx, personId, attachmentId);
      if (!mayDelete(ctx.actor!, attachment)) {
        throw new ForbiddenError(
          'Only the person who uploaded a file, or a manager in their organisation, can remove it',
        );
      }
      if (!(await markDeleted(trx, attachment.id, ctx.actor!.userId, reason, ctx.at))) throw new NotFoundError();
      await recordAudit(trx, auditContext(ctx, role), {
        action: 'attachment.deleted',
        recordType: 'attachment',
        recordId: attachment.id,
        reason,
        details: { personId: attachment.person_id },
      });
    });
  }
}
