/** Pages for the files on a child's record: the list and upload form, downloads, and removing a file. */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AppDeps } from '../../platform/app-deps.ts';
import {
  ALLOWED_IN_WORDS,
  ALLOWED_TYPES,
  CorruptAttachmentError,
  checkFile,
  FILE_FIELD,
  formatBytes,
  readUpload,
  sendAttachment,
  uploadError,
} from '../../platform/attachments.ts';
import type { FieldError } from '../../platform/errors.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { checkId as check } from '../../platform/ids.ts';
import { AttachmentService } from './service.ts';

const DESCRIPTION_MAX = 500;

const DeleteForm = z.object({
  reason: z
    .string({ error: 'Enter why you are removing the file' })
    .trim()
    .min(1, 'Enter why you are removing the file')
    .max(500, 'The reason must be 500 characters or fewer'),
});

const FLASH: Record<string, string> = {
  uploaded: 'File uploaded',
  deleted: 'File removed',
};

type P = { Params: { id: string } };
type PA = { Params: { id: string; attachmentId: string } };

function readDescription(value: string | undefined, errors: FieldError[]): string {
  const description = (value ?? '').trim();
  if (!description) errors.push({ field: 'description', message: 'Enter a description of the file' });
  else if (description.length > DESCRIPTION_MAX) {
    errors.push({ field: 'description', message: `The description must be ${DESCRIPTION_MAX} characters or fewer` });
  }
  return description;
}

export async function registerAttachmentRoutes(app: FastifyInstance, deps: AppDeps) {
  const service = new AttachmentService(deps.database.db, deps.config.attachments.maxBytes);
  const maxBytes = deps.config.attachments.maxBytes;

  const listPage = async (reply: FastifyReply, id: string, extra: Record<string, unknown> = {}) => {
    const data = await service.forPerson(reply.request.ctx(), id);
    return reply.page('attachments/views/person-attachments.njk', {
      ...data,
      attachments: data.attachments.map((a) => ({
        ...a,
        typeLabel: ALLOWED_TYPES[a.media_type]?.label ?? a.extension.toUpperCase(),
        size: formatBytes(a.size_bytes),
      })),
      allowed: ALLOWED_IN_WORDS,
      maxSize: formatBytes(maxBytes),
      fileField: FILE_FIELD,
      values: {},
      ...extra,
    });
  };

  app.get<P & { Querystring: { done?: string } }>('/people/:id/attachments', async (request, reply) => {
    check(request.params.id);
    return listPage(reply, request.params.id, { flash: FLASH[request.query.done ?? ''] });
  });

  // Uploads are the only routes that read multipart bodies; the parser is registered for them alone.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, {
      limits: { fileSize: maxBytes, files: 1, parts: 12 },
      throwFileSizeLimit: false,
    });
    // An upload refused before its end (too large, no CSRF token, not signed in) is not read any further: the
    // connection closes after the answer rather than draining what is left.
    scope.addHook('onSend', async (request, reply) => {
      if (request.isMultipart() && !request.raw.readableEnded) reply.header('Connection', 'close');
    });

    scope.post<P>('/people/:id/attachments', { config: { multipartCsrf: true } }, async (request, reply) => {
      const id = request.params.id;
      check(id);
      const ctx = request.ctx();
      // Role and relationship first: nothing of the file is read for someone who may not upload it.
      await service.mayUpload(ctx, id);
      const upload = await readUpload(scope, request, reply, maxBytes);
      const errors: FieldError[] = [];
      const description = readDescription(upload.fields.description, errors);
      let refusal = upload.refusal;
      if (!refusal && upload.file) {
        const checked = await checkFile(upload.file.content, maxBytes);
        if (!checked.ok) refusal = checked.reason;
      }
      if (!refusal && upload.file && !errors.length) {
        const result = await service.upload(ctx, id, {
          fileName: upload.file.name,
          description,
          content: upload.file.content,
        });
        if (result.ok) return reply.redirect(`/people/${id}/attachments?done=uploaded`, 303);
        refusal = result.refusal;
      }
      if (refusal) errors.push(uploadError(refusal, maxBytes));
      reply.code(refusal === 'too-large' ? 413 : 400);
      return listPage(reply, id, { errors, values: { description: upload.fields.description ?? '' } });
    });
  });

  app.get<PA>('/people/:id/attachments/:attachmentId', async (request, reply) => {
    const { id, attachmentId } = request.params;
    check(id, attachmentId);
    try {
      const { attachment, content } = await service.download(request.ctx(), id, attachmentId);
      return sendAttachment(reply, attachment, content);
    } catch (err) {
      if (err instanceof CorruptAttachmentError) {
        request.log.error({ attachmentId }, 'attachment failed its checksum');
        return reply.code(500).page('attachments/views/damaged.njk', { personId: id, requestId: request.id });
      }
      throw err;
    }
  });

  const deletePage = async (reply: FastifyReply, id: string, attachmentId: string, extra = {}) =>
    reply.page('attachments/views/delete.njk', {
      ...(await service.forDelete(reply.request.ctx(), id, attachmentId)),
      values: {},
      ...extra,
    });

  app.get<PA>('/people/:id/attachments/:attachmentId/delete', async (request, reply) => {
    check(request.params.id, request.params.attachmentId);
    return deletePage(reply, request.params.id, request.params.attachmentId);
  });

  app.post<PA>('/people/:id/attachments/:attachmentId/delete', async (request, reply) => {
    const { id, attachmentId } = request.params;
    check(id, attachmentId);
    const form = parseForm(DeleteForm, request.body);
    if (!form.ok) {
      reply.code(400);
      return deletePage(reply, id, attachmentId, { errors: form.errors, values: formValues(request.body) });
    }
    await service.delete(request.ctx(), id, attachmentId, form.data.reason);
    return reply.redirect(`/people/${id}/attachments?done=deleted`, 303);
  });
}
