/**
 * The public request form (/request-support: no sign-in) and the routes that read files on a contact. The public
 * pages show nothing held: the "check your email" page is the same whatever the address, and a submitted request
 * shows only its reference.
 */
import fastifyMultipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../../platform/app-deps.ts';
import {
  ALLOWED_IN_WORDS,
  CorruptAttachmentError,
  FILE_FIELD,
  formatBytes,
  readUpload,
  sendAttachment,
  uploadError,
} from '../../platform/attachments.ts';
import { type FieldError, HttpError } from '../../platform/errors.ts';
import { formValues, parseForm } from '../../platform/forms.ts';
import { checkId } from '../../platform/ids.ts';
import { modelWith } from '../people/search.ts';
import { REFERRAL_SOURCE_CODES, REFERRAL_SOURCES } from './codes.ts';
import { PUBLIC_CHILD_ROWS, PublicRequestForm, PublicRequestService, SenderForm } from './public.ts';
import { FrontDoorService } from './service.ts';

type Values = Record<string, string | string[]>;
/** The link's token travels in the query string, which the request log leaves out. */
type T = { Querystring: { token?: unknown } };
const tokenOf = (q: { token?: unknown }) => (typeof q.token === 'string' ? q.token : '');

/** A flood of requests from one address: a GOV.UK page that says to wait. */
const tooMany = () =>
  new HttpError(429, 'There have been too many requests from your connection. Wait an hour, then try again.');
const LINK_LIMIT = { max: 10, timeWindow: '1 hour', errorResponseBuilder: tooMany };
const SUBMIT_LIMIT = { max: 20, timeWindow: '1 hour', errorResponseBuilder: tooMany };

/** How many text fields the public form sends (the file and the CSRF token aside). */
const PUBLIC_FORM_FIELDS = PUBLIC_CHILD_ROWS * 7 + 12;

export async function registerPublicRequestRoutes(app: FastifyInstance, deps: AppDeps) {
  const maxBytes = deps.config.attachments.maxBytes;
  const publicService = new PublicRequestService(deps.database.db, deps.config.baseUrl, maxBytes);
  const frontDoor = new FrontDoorService(deps.database.db, modelWith(deps.config.matching), maxBytes);

  const senderPage = (reply: FastifyReply, values: Values = {}, errors?: FieldError[]) =>
    reply.page('front-door/views/public-sender.njk', { values, ...(errors ? { errors } : {}) });

  app.get('/request-support', { config: { public: true } }, async (_request, reply) => senderPage(reply));

  app.post('/request-support', { config: { public: true, rateLimit: LINK_LIMIT } }, async (request, reply) => {
    const form = parseForm(SenderForm, request.body);
    if (!form.ok) return senderPage(reply.code(400), formValues(request.body), form.errors);
    await publicService.requestLink(form.data, request.ctx().at);
    return reply.redirect('/request-support/check-your-email', 303);
  });

  app.get('/request-support/check-your-email', { config: { public: true } }, async (_request, reply) =>
    reply.page('front-door/views/public-check-email.njk', {}),
  );

  const badLink = (reply: FastifyReply) => reply.code(404).page('front-door/views/public-bad-link.njk', {});

  app.get<T>('/request-support/form', { config: { public: true } }, async (request, reply) => {
    const token = tokenOf(request.query);
    const link = await publicService.check(token, request.ctx().at);
    if (!link.ok) return badLink(reply);
    return reply.page('front-door/views/public-start.njk', { token });
  });

  const formPage = async (reply: FastifyReply, token: string, values: Values, errors?: FieldError[]) => {
    const urgent = values.harm === 'yes';
    return reply.page('front-door/views/public-form.njk', {
      token,
      urgent,
      frontDoor: urgent ? await publicService.frontDoorNumbers() : [],
      values,
      rows: Array.from({ length: PUBLIC_CHILD_ROWS }, (_, i) => i + 1),
      sourceItems: [
        { value: '', text: 'Choose one' },
        ...REFERRAL_SOURCE_CODES.map((code) => ({
          value: code,
          text: `${REFERRAL_SOURCES[code]} (${code})`,
          selected: values.referralSource === code,
        })),
      ],
      permissionItems: [
        {
          value: 'consent',
          text: 'The family agreed to this request being made',
          checked: values.permission === 'consent',
        },
        { divider: 'or, without the family’s agreement' },
        ...[
          ['child_at_risk_of_harm', 'A child is at risk of harm'],
          ['enquiry_risk_of_harm', 'Asking could put a child at risk, or stop an enquiry'],
          ['adult_at_risk_of_harm', 'An adult is at risk of harm'],
          ['serious_crime', 'To prevent or detect a serious crime'],
        ].map(([value, text]) => ({ value, text, checked: values.permission === value })),
      ],
      allowed: ALLOWED_IN_WORDS,
      maxSize: formatBytes(maxBytes),
      fileField: FILE_FIELD,
      ...(errors ? { errors } : {}),
    });
  };

  // The first question, always: risk of significant harm. "Yes" shows the front door's numbers at once.
  app.post<T>('/request-support/form/start', { config: { public: true } }, async (request, reply) => {
    const token = tokenOf(request.query);
    if (!(await publicService.check(token, request.ctx().at)).ok) return badLink(reply);
    const values = formValues(request.body);
    if (values.harm !== 'yes' && values.harm !== 'no') {
      return reply.code(400).page('front-door/views/public-start.njk', {
        token,
        errors: [{ field: 'harm', message: 'Select yes if you believe a child is at risk of significant harm' }],
      });
    }
    return formPage(reply, token, { harm: values.harm });
  });

  // Files are read by these routes alone: the multipart parser is registered for them.
  await app.register(async (scope) => {
    await scope.register(fastifyMultipart, { limits: { fileSize: maxBytes, files: 1 }, throwFileSizeLimit: false });
    scope.addHook('onSend', async (request, reply) => {
      if (request.isMultipart() && !request.raw.readableEnded) reply.header('Connection', 'close');
    });

    scope.post<T>(
      '/request-support/form',
      { config: { public: true, multipartCsrf: true, rateLimit: SUBMIT_LIMIT } },
      async (request, reply) => {
        const token = tokenOf(request.query);
        const ctx = request.ctx();
        // An unverified sender (no link, a used, expired or made-up one) is refused before anything is read.
        if (!(await publicService.check(token, ctx.at)).ok) return badLink(reply);
        const upload = await readUpload(scope, request, reply, maxBytes, { fields: PUBLIC_FORM_FIELDS });
        const values: Values = upload.fields;
        const form = parseForm(PublicRequestForm, upload.fields);
        const errors: FieldError[] = form.ok ? [] : [...form.errors];
        const refusal = upload.refusal === 'missing' ? undefined : upload.refusal;
        if (refusal) errors.push(uploadError(refusal, maxBytes));
        if (!form.ok || errors.length) {
          reply.code(refusal === 'too-large' ? 413 : 400);
          return formPage(reply, token, values, errors);
        }
        const result = await publicService.submit(ctx, token, form.data, upload.file ?? null);
        if (result.ok) {
          return reply.page('front-door/views/public-sent.njk', { reference: result.reference });
        }
        if (result.reason === 'link') return badLink(reply);
        reply.code(400);
        return formPage(reply, token, values, [uploadError(result.reason, maxBytes)]);
      },
    );

    // The referrer adds files to a contact they made, straight after sending it.
    scope.post<{ Params: { id: string } }>(
      '/front-door/contacts/:id/attachments',
      { config: { multipartCsrf: true } },
      async (request, reply) => {
        const id = request.params.id;
        checkId(id);
        const ctx = request.ctx();
        await frontDoor.mayAttach(ctx, id);
        const upload = await readUpload(scope, request, reply, maxBytes);
        const errors: FieldError[] = [];
        const description = (upload.fields.description ?? '').trim();
        if (!description) errors.push({ field: 'description', message: 'Enter a description of the file' });
        else if (description.length > 500) {
          errors.push({ field: 'description', message: 'The description must be 500 characters or fewer' });
        }
        let refusal = upload.refusal;
        if (!refusal && upload.file && !errors.length) {
          const result = await frontDoor.attach(ctx, id, {
            fileName: upload.file.name,
            description,
            content: upload.file.content,
          });
          if (result.ok) return reply.redirect(`/front-door/contacts/${id}?done=attached`, 303);
          refusal = result.refusal;
        }
        if (refusal) errors.push(uploadError(refusal, maxBytes));
        reply.code(refusal === 'too-large' ? 413 : 400);
        return reply.page('front-door/views/contact-attach.njk', {
          contactId: id,
          errors,
          values: { description: upload.fields.description ?? '' },
          allowed: ALLOWED_IN_WORDS,
          maxSize: formatBytes(maxBytes),
          fileField: FILE_FIELD,
        });
      },
    );
  });

  app.get<{ Params: { id: string; attachmentId: string } }>(
    '/front-door/contacts/:id/attachments/:attachmentId',
    async (request, reply) => {
      const { id, attachmentId } = request.params;
      checkId(id, attachmentId);
      try {
        const { attachment, content } = await frontDoor.download(request.ctx(), id, attachmentId);
        return sendAttachment(reply, attachment, content);
      } catch (err) {
        if (err instanceof CorruptAttachmentError) {
          request.log.error({ attachmentId }, 'attachment failed its checksum');
          return reply.code(500).page('pages/error.njk', { requestId: request.id });
        }
        throw err;
      }
    },
  );
}
