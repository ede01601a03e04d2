/**
 * Requests for support from practitioners without an account (a voluntary group, a GP surgery not yet on the
 * system), through the public form at /request-support. The sender's email address is verified first: they are
 * sent a single-use link (only a hash of its token is kept) valid for a day. The form never looks anything up on the
 * child index and shows nothing back but a reference: the children are kept as typed, and the front door matches
 * them to the index. Emails to the sender carry a link or a reference, never case detail.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { type DB, LAWFUL_BASES, type LawfulBasis } from '../../db/schema.ts';
import { checkFile, insertAttachment, type Refusal } from '../../platform/attachments.ts';
import { recordAudit } from '../../platform/audit.ts';
import { loadWorkingCalendar } from '../../platform/closures.ts';
import { auditContext, type RequestContext } from '../../platform/context.ts';
import { DEADLINE_RULES, setDeadline } from '../../platform/deadlines.ts';
import { dateFromParts, orderedForm } from '../../platform/forms.ts';
import { notify } from '../../platform/notifications.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { REFERRAL_SOURCES } from './codes.ts';
import * as repo from './repository.ts';

/** How long a link in the verification email works. */
export const LINK_HOURS = 24;
/** At most this many verification emails to one address in an hour; more asks are answered the same, unsent. */
export const LINKS_PER_ADDRESS_PER_HOUR = 3;
/** How many children the public form takes. */
export const PUBLIC_CHILD_ROWS = 3;
/** The longest a long answer may be. */
export const PUBLIC_TEXT_MAX = 5000;

const text = (label: string, max: number, required: string | null) =>
  z
    .string()
    .optional()
    .transform((v) => (v ?? '').trim())
    .pipe(
      z
        .string()
        .max(max, `${label} must be ${max.toLocaleString('en-GB')} characters or fewer`)
        .refine((v) => !required || v.length > 0, required ?? ''),
    );

// Not a full address check: one @, something either side, a dot in the domain, no spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export const SenderForm = orderedForm((_b, field, problem) => {
  const name = field('name', text('Your name', 200, 'Enter your name'));
  const organisation = field('organisation', text('Your organisation', 200, 'Enter your organisation'));
  const role = field('role', text('Your role', 200, 'Enter your role'));
  const email = field('email', text('Your email address', 254, 'Enter your email address'));
  if (email && !EMAIL.test(email)) {
    problem('email', 'Enter an email address in the correct format, like name@example.com');
  }
  return {
    name: name ?? '',
    organisation: organisation ?? '',
    role: role ?? '',
    email: (email ?? '').toLowerCase(),
  };
});
export type SenderInput = z.output<typeof SenderForm>;

export interface TypedChild {
  position: number;
  givenName: string;
  familyName: string;
  dateOfBirth: string | null;
  address: string | null;
  postcode: string | null;
}

export interface PublicRequestInput {
  significantHarm: boolean;
  urgency: 'urgent' | 'normal';
  children: TypedChild[];
  family: string | null;
  referralSource: string;
  circumstances: string;
  needsToHappen: string;
  tried: string | null;
  permission: 'consent' | LawfulBasis;
  permissionReason: string | null;
  fileDescription: string;
}

/** The request form, in the order it asks. */
export const PublicRequestForm = orderedForm((b, field, problem): PublicRequestInput => {
  const harm = field('harm', z.enum(['yes', 'no'], { error: 'Select yes if you believe a child is at risk' }));
  const significantHarm = harm === 'yes';
  const children: TypedChild[] = [];
  for (let i = 1; i <= PUBLIC_CHILD_ROWS; i++) {
    const p = `child${i}`;
    const given = field(`${p}-givenName`, text('The first name', 100, null)) ?? '';
    const family = field(`${p}-familyName`, text('The last name', 100, null)) ?? '';
    const address = field(`${p}-address`, text('The address', 500, null)) ?? '';
    const postcode = field(`${p}-postcode`, text('The postcode', 10, null)) ?? '';
    const part = (k: string) => String(b[`${p}-dob-${k}`] ?? '').trim();
    const anyDate = part('day') || part('month') || part('year');
    if (!given && !family && !anyDate && !address && !postcode) continue;
    if (!given) problem(`${p}-givenName`, `Enter child ${i}’s first name`);
    if (!family) problem(`${p}-familyName`, `Enter child ${i}’s last name`);
    let dateOfBirth: string | null = null;
    if (anyDate) {
      const d = dateFromParts(part('day'), part('month'), part('year'), 'Date of birth');
      if (d.error) problem(`${p}-dob`, d.error);
      else dateOfBirth = d.iso ?? null;
    }
    children.push({
      position: i,
      givenName: given,
      familyName: family,
      dateOfBirth,
      address: address || null,
      postcode: postcode ? postcode.toUpperCase() : null,
    });
  }
  if (!children.length) problem('child1-givenName', 'Enter the name of at least one child');
  const family = field('family', text('About the family', PUBLIC_TEXT_MAX, null));
  const referralSource = field(
    'referralSource',
    z
      .string({ error: 'Select who is asking' })
      .refine((v) => Object.hasOwn(REFERRAL_SOURCES, v), 'Select who is asking, from the list'),
  );
  const circumstances = field(
    'circumstances',
    text('The circumstances', PUBLIC_TEXT_MAX, 'Enter the circumstances and needs causing concern'),
  );
  const needsToHappen = field(
    'needsToHappen',
    text('What needs to happen', PUBLIC_TEXT_MAX, 'Enter what you think needs to happen'),
  );
  const tried = field(
    'tried',
    text(
      'What has been tried',
      PUBLIC_TEXT_MAX,
      significantHarm ? null : 'Enter what has been tried already, or “nothing yet”',
    ),
  );
  const permission = field(
    'permission',
    z.enum(['consent', ...LAWFUL_BASES], {
      error: 'Select whether the family agreed, or the lawful reason to share without their agreement',
    }),
  );
  const reason = field(
    'lawfulReason',
    text(
      'The reason',
      2000,
      permission && permission !== 'consent' ? 'Enter why you are sharing without the family’s agreement' : null,
    ),
  );
  let urgency: 'urgent' | 'normal' = 'urgent';
  if (!significantHarm) {
    urgency = field('urgency', z.enum(['urgent', 'normal'], { error: 'Select how urgent this is' })) ?? 'normal';
  }
  const fileDescription = field('description', text('The description of the file', 500, null)) ?? '';
  return {
    significantHarm,
    urgency,
    children,
    family: family || null,
    referralSource: referralSource ?? '',
    circumstances: circumstances ?? '',
    needsToHappen: needsToHappen ?? '',
    tried: tried || null,
    permission: permission ?? 'consent',
    permissionReason: permission === 'consent' ? null : reason || null,
    fileDescription,
  };
});

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A reference to quote on the telephone, as the practitioner journey makes them. */
function newReference(): string {
  const alphabet = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';
  let out = 'FD-';
  for (let i = 0; i < 6; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

export type TokenState =
  | { ok: true; id: string; sender: { name: string; organisation: string; role: string; email: string } }
  | { ok: false };

export class PublicRequestService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly baseUrl: string,
    private readonly maxBytes: number,
  ) {}

  /**
   * Sends the verification link, unless the address has had its share this hour. The caller shows the same page
   * either way: nothing tells whether an address is known, new or refused.
   */
  async requestLink(sender: SenderInput, at: Date): Promise<void> {
    await this.db.transaction().execute(async (trx) => {
      const since = new Date(at.getTime() - 3600_000);
      const recent = await trx
        .selectFrom('public_request_token')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .where('email', '=', sender.email)
        .where('created_at', '>', since)
        .executeTakeFirstOrThrow();
      if (Number(recent.n) >= LINKS_PER_ADDRESS_PER_HOUR) return;
      const token = randomBytes(32).toString('base64url');
      await trx
        .insertInto('public_request_token')
        .values({
          token_hash: hashToken(token),
          email: sender.email,
          sender_name: sender.name,
          sender_organisation: sender.organisation,
          sender_role: sender.role,
          created_at: at,
          expires_at: new Date(at.getTime() + LINK_HOURS * 3600_000),
        })
        .execute();
      await enqueueEmail(trx, {
        to: sender.email,
        subject: 'Your link to request support from the front door',
        text:
          'Use this link to open the request for support form. It works once, for 24 hours:\n\n' +
          `${this.baseUrl}/request-support/form?token=${token}\n\n` +
          'If you did not ask for it, you can ignore this email.\n',
      });
    });
  }

  /** The link's state: usable (not used, not expired, and a token we made), or not — never which. */
  async check(token: string, at: Date): Promise<TokenState> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) return { ok: false };
    const row = await this.db
      .selectFrom('public_request_token')
      .selectAll()
      .where('token_hash', '=', hashToken(token))
      .executeTakeFirst();
    if (!row || row.used_at || new Date(row.expires_at).getTime() <= at.getTime()) return { ok: false };
    return {
      ok: true,
      id: row.id,
      sender: { name: row.sender_name, organisation: row.sender_organisation, role: row.sender_role, email: row.email },
    };
  }

  /** The front door's numbers, in and out of hours: the teams recorded for it. */
  async frontDoorNumbers() {
    return this.db
      .selectFrom('team')
      .select(['name', 'phone', 'hours'])
      .where('contact_role', 'in', ['front_door', 'out_of_hours'])
      .where('phone', 'is not', null)
      .orderBy('name')
      .limit(10)
      .execute();
  }

  /**
   * Makes the contact from a verified link, in one transaction: the link is spent, the contact is on the queue
   * with its deadline, the children are kept as typed, the file (if any, already checked) is stored, the sender
   * is told it was received. A refused file or a spent link leaves nothing behind.
   */
  async submit(
    ctx: RequestContext,
    token: string,
    input: PublicRequestInput,
    file: { name: string; content: Buffer } | null,
  ): Promise<{ ok: true; reference: string; id: string } | { ok: false; reason: 'link' | Refusal }> {
    const checked = file ? await checkFile(file.content, this.maxBytes) : null;
    if (checked && !checked.ok) return { ok: false, reason: checked.reason };
    return this.db.transaction().execute(async (trx) => {
      const link = await trx
        .selectFrom('public_request_token')
        .selectAll()
        .where('token_hash', '=', hashToken(token))
        .forUpdate()
        .executeTakeFirst();
      if (!link || link.used_at || new Date(link.expires_at).getTime() <= ctx.at.getTime()) {
        return { ok: false as const, reason: 'link' as const };
      }
      let reference = newReference();
      while (await repo.referenceTaken(trx, reference)) reference = newReference();
      const urgent = input.significantHarm || input.urgency === 'urgent';
      const contact = await trx
        .insertInto('contact')
        .values({
          reference,
          significant_harm: input.significantHarm,
          urgency: urgent ? 'urgent' : 'normal',
          referrer_user_id: null,
          referrer_organisation_id: null,
          referral_source: input.referralSource,
          circumstances: input.circumstances,
          needs_to_happen: input.needsToHappen,
          tried: input.tried,
          via: 'public',
          received_at: ctx.at,
          sender_name: link.sender_name,
          sender_organisation: link.sender_organisation,
          sender_role: link.sender_role,
          sender_email: link.email,
          family: input.family,
          sender_permission: input.permission,
          sender_permission_reason: input.permissionReason,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      for (const c of input.children) {
        await trx
          .insertInto('contact_typed_child')
          .values({
            contact_id: contact.id,
            position: c.position,
            given_name: c.givenName,
            family_name: c.familyName,
            date_of_birth: c.dateOfBirth,
            address: c.address,
            postcode: c.postcode,
          })
          .execute();
      }
      let attachmentId: string | null = null;
      if (file && checked?.ok) {
        const row = await insertAttachment(
          trx,
          {
            ownerKind: 'contact',
            ownerId: contact.id,
            personId: null,
            organisationId: null,
            uploadedBy: null,
            fileName: file.name,
            description: input.fileDescription || 'Sent with the request',
            content: file.content,
            at: ctx.at,
          },
          checked,
        );
        attachmentId = row.id;
      }
      const spent = await trx
        .updateTable('public_request_token')
        .set({ used_at: ctx.at, contact_id: contact.id })
        .where('id', '=', link.id)
        .where('used_at', 'is', null)
        .executeTakeFirst();
      if (Number(spent.numUpdatedRows) !== 1) throw new Error('the link was spent twice');
      const calendar = await loadWorkingCalendar(trx);
      await setDeadline(trx, calendar, {
        ownerType: 'contact',
        ownerId: contact.id,
        rule: urgent ? DEADLINE_RULES.FRONT_DOOR_URGENT_DECISION : DEADLINE_RULES.FRONT_DOOR_DECISION,
        start: ctx.at,
      });
      await recordAudit(trx, auditContext(ctx, 'public'), {
        action: 'contact.made-unmatched',
        recordType: 'contact',
        recordId: contact.id,
        details: {
          reference,
          via: 'public',
          urgency: urgent ? 'urgent' : 'normal',
          significantHarm: input.significantHarm,
          permission: input.permission,
          typedChildren: input.children.length,
          attachmentIds: attachmentId ? [attachmentId] : [],
        },
      });
      if (urgent) {
        // Not yet matched to any child: every front door worker is told.
        const workers = await repo.usersWithRole(trx, 'front_door');
        await notify(trx, {
          userIds: workers.map((w) => w.id),
          kind: 'contact.urgent',
          title: 'An urgent contact is waiting at the front door',
          href: `/front-door/contacts/${contact.id}`,
          recordType: 'contact',
          recordId: contact.id,
          at: ctx.at,
        });
      }
      await enqueueEmail(trx, {
        to: link.email,
        subject: `Your request for support ${reference} has been received`,
        text:
          `The front door has received your request for support. Your reference is ${reference}.\n\n` +
          'You will be emailed when it has been decided. Quote the reference if you telephone the front door.\n',
      });
      return { ok: true as const, reference, id: contact.id };
    });
  }
}
