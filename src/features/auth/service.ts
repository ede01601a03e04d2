import type { Kysely, Transaction } from 'kysely';
import type { Config } from '../../config.ts';
import type { DB } from '../../db/schema.ts';
import { type AuditContext, recordAudit } from '../../platform/audit.ts';
import type { Clock } from '../../platform/clock.ts';
import { enqueueEmail } from '../../platform/outbox.ts';
import { hashPassword, safeEqual, sha256, verifyPassword } from '../../platform/passwords.ts';
import { checkTotp, newRecoveryCodes, newTotpSecret, normaliseRecoveryCode } from '../../platform/totp.ts';

export type PasswordOutcome =
  | { ok: true; userId: string; next: 'mfa' | 'mfa_setup' | 'full' }
  | { ok: false; reason: 'invalid' | 'disabled' | 'throttled' };

interface Meta {
  requestId: string;
  clientIp: string;
}

/** Sign-in rules: password, lockout after repeated failures, second factor. */
export class AuthService {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly clock: Clock,
    private readonly config: Config,
  ) {}

  async checkPassword(email: string, password: string, meta: Meta): Promise<PasswordOutcome> {
    const now = this.clock.now();
    const ctx = { actor: null, requestId: meta.requestId, clientIp: meta.clientIp, at: now };
    // One client with many recent failures is refused before any account is looked at, so it cannot
    // lock accounts wholesale. The answer depends only on the client, so nothing is learnt from it.
    if (await this.clientLimited(meta.clientIp, now)) {
      await this.db.transaction().execute((trx) => recordAudit(trx, ctx, { action: 'sign-in.refused-client-limit' }));
      return { ok: false, reason: 'throttled' };
    }
    const user = await this.db
      .selectFrom('app_user')
      .select(['id', 'email', 'password_hash', 'totp_enrolled_at', 'locked_until', 'disabled_at', 'kind'])
      .where('email', '=', email.trim())
      .executeTakeFirst();
    // The hash is always checked, locked or not, so the time taken says nothing either.
    const passwordOk = await verifyPassword(user?.kind === 'person' ? (user?.password_hash ?? null) : null, password);
    return this.db.transaction().execute(async (trx) => {
      if (!user) {
        await this.recordClientFailure(trx, meta.clientIp, now);
        return { ok: false, reason: 'invalid' } as const;
      }
      const subject = { recordType: 'user', recordId: user.id };
      // While locked, the right password gets the same answer as a wrong one: guessing on teaches nothing.
      if (user.locked_until && user.locked_until > now) {
        await this.recordClientFailure(trx, meta.clientIp, now);
        await recordAudit(trx, ctx, { action: 'sign-in.refused-locked', ...subject });
        return { ok: false, reason: 'invalid' } as const;
      }
      if (!passwordOk) {
        await this.recordClientFailure(trx, meta.clientIp, now);
        await this.countFailure(trx, user, ctx, { failed: 'sign-in.failed', locked: 'sign-in.locked' });
        return { ok: false, reason: 'invalid' } as const;
      }
      if (user.disabled_at) {
        await recordAudit(trx, ctx, { action: 'sign-in.refused-disabled', ...subject });
        return { ok: false, reason: 'disabled' } as const;
      }
      await trx
        .updateTable('app_user')
        .set({ failed_sign_ins: 0, locked_until: null })
        .where('id', '=', user.id)
        .execute();
      const next = user.totp_enrolled_at ? 'mfa' : this.config.mfaRequired ? 'mfa_setup' : 'full';
      await recordAudit(trx, ctx, { action: 'sign-in.password-ok', ...subject, details: { next } });
      return { ok: true, userId: user.id, next } as const;
    });
  }

  private async clientLimited(clientIp: string, now: Date): Promise<boolean> {
    const since = new Date(now.getTime() - this.config.signIn.clientWindowMinutes * 60_000);
    const row = await this.db
      .selectFrom('sign_in_failure')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('client_ip', '=', clientIp)
      .where('at', '>', since)
      .executeTakeFirstOrThrow();
    return Number(row.n) >= this.config.signIn.clientMaxFailures;
  }

  /** Remembers a failed sign-in from this client, and forgets any that are older than the window. */
  private async recordClientFailure(trx: Transaction<DB>, clientIp: string, now: Date): Promise<void> {
    const since = new Date(now.getTime() - this.config.signIn.clientWindowMinutes * 60_000);
    await trx.deleteFrom('sign_in_failure').where('at', '<=', since).execute();
    await trx.insertInto('sign_in_failure').values({ client_ip: clientIp, at: now }).execute();
  }

  /**
   * One more wrong attempt (password or code) on the account. At the limit the account locks and its
   * owner is told by email; the email says only what happened and when. Returns whether it locked.
   */
  private async countFailure(
    trx: Transaction<DB>,
    user: { id: string; email: string },
    ctx: AuditContext,
    actions: { failed: string; locked: string },
  ): Promise<boolean> {
    const failures = await trx
      .updateTable('app_user')
      .set((eb) => ({ failed_sign_ins: eb('failed_sign_ins', '+', 1) }))
      .where('id', '=', user.id)
      .returning('failed_sign_ins')
      .executeTakeFirstOrThrow();
    const lock = failures.failed_sign_ins >= this.config.signIn.maxFailures;
    if (lock) {
      await trx
        .updateTable('app_user')
        .set({
          locked_until: new Date(ctx.at.getTime() + this.config.signIn.lockoutMinutes * 60_000),
          failed_sign_ins: 0,
        })
        .where('id', '=', user.id)
        .execute();
      await enqueueEmail(trx, {
        to: user.email,
        subject: 'Your Early Help Hub account has been locked',
        text:
          `Your Early Help Hub account was locked after repeated failed sign-in attempts, at ${ctx.at.toISOString()}. ` +
          `It unlocks itself after ${this.config.signIn.lockoutMinutes} minutes, or your administrator can unlock it. ` +
          "If this wasn't you, contact your administrator.",
      });
    }
    await recordAudit(trx, ctx, {
      action: lock ? actions.locked : actions.failed,
      recordType: 'user',
      recordId: user.id,
    });
    return lock;
  }

  /** Checks a TOTP code or, failing that, a single-use recovery code (which is then spent). */
  async checkSecondFactor(userId: string, code: string, meta: Meta): Promise<'totp' | 'recovery' | false> {
    const now = this.clock.now();
    return this.db.transaction().execute(async (trx) => {
      const user = await trx
        .selectFrom('app_user')
        .select(['email', 'totp_secret', 'totp_last_step', 'recovery_code_hashes', 'locked_until'])
        .where('id', '=', userId)
        .forUpdate()
        .executeTakeFirst();
      if (!user?.totp_secret) return false;
      const ctx = { actor: null, requestId: meta.requestId, clientIp: meta.clientIp, at: now };
      const subject = { recordType: 'user', recordId: userId };
      if (user.locked_until && user.locked_until > now) {
        await recordAudit(trx, ctx, { action: 'sign-in.refused-locked', ...subject });
        return false;
      }
      let method: 'totp' | 'recovery' | false = false;
      const step = await checkTotp(user.totp_secret, code, now, user.totp_last_step);
      if (step !== false) {
        method = 'totp';
        await trx.updateTable('app_user').set({ totp_last_step: step }).where('id', '=', userId).execute();
      } else {
        const hashes = user.recovery_code_hashes as unknown as string[];
        const candidate = sha256(normaliseRecoveryCode(code));
        const match = hashes.find((h) => safeEqual(h, candidate));
        if (match) {
          method = 'recovery';
          await trx
            .updateTable('app_user')
            .set({ recovery_code_hashes: JSON.stringify(hashes.filter((h) => h !== match)) })
            .where('id', '=', userId)
            .execute();
        }
      }
      if (!method) {
        await this.countFailure(trx, { id: userId, email: user.email }, ctx, {
          failed: 'sign-in.second-factor-failed',
          locked: 'sign-in.second-factor-failed',
        });
        return false;
      }
      await trx.updateTable('app_user').set({ failed_sign_ins: 0 }).where('id', '=', userId).execute();
      await recordAudit(trx, ctx, { action: 'sign-in.completed', ...subject, details: { method } });
      return method;
    });
  }

  async remainingRecoveryCodes(userId: string): Promise<number> {
    const u = await this.db
      .selectFrom('app_user')
      .select('recovery_code_hashes')
      .where('id', '=', userId)
      .executeTakeFirst();
    return (u?.recovery_code_hashes as unknown as string[] | undefined)?.length ?? 0;
  }

  /** Enrolment step 1: a pending secret, not active until a code from it is confirmed. */
  newPendingSecret(): string {
    return newTotpSecret();
  }

  async confirmEnrolment(
    userId: string,
    secret: string,
    code: string,
    meta: Meta,
  ): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
    const now = this.clock.now();
    const step = await checkTotp(secret, code, now);
    if (step === false) return { ok: false };
    const { codes, hashes } = newRecoveryCodes();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('app_user')
        .set({
          totp_secret: secret,
          totp_enrolled_at: now,
          totp_last_step: step,
          recovery_code_hashes: JSON.stringify(hashes),
          updated_at: now,
        })
        .where('id', '=', userId)
        .execute();
      await recordAudit(
        trx,
        { actor: null, requestId: meta.requestId, clientIp: meta.clientIp, at: now },
        { action: 'mfa.enrolled', recordType: 'user', recordId: userId },
      );
    });
    return { ok: true, recoveryCodes: codes };
  }

  /**
   * Asks a signed-in person for their password again before something sensitive. A wrong password
   * counts toward the same lockout as sign-in; at the limit the account locks and every one of its
   * sessions ends, so whoever was guessing is signed out.
   */
  async reauthenticate(
    userId: string,
    password: string,
    meta: Meta,
    failedAction: string,
  ): Promise<'ok' | 'wrong' | 'locked'> {
    const user = await this.db
      .selectFrom('app_user')
      .select(['email', 'password_hash'])
      .where('id', '=', userId)
      .executeTakeFirstOrThrow();
    if (await verifyPassword(user.password_hash, password)) return 'ok';
    const now = this.clock.now();
    const ctx = { actor: null, requestId: meta.requestId, clientIp: meta.clientIp, at: now };
    return this.db.transaction().execute(async (trx) => {
      const locked = await this.countFailure(trx, { id: userId, email: user.email }, ctx, {
        failed: failedAction,
        locked: 'sign-in.locked',
      });
      if (!locked) return 'wrong';
      await trx.deleteFrom('user_session').where('user_id', '=', userId).execute();
      return 'locked';
    });
  }

  async changePassword(
    userId: string,
    current: string,
    next: string,
    meta: Meta,
  ): Promise<'changed' | 'wrong' | 'locked'> {
    const check = await this.reauthenticate(userId, current, meta, 'password.change-refused');
    if (check !== 'ok') return check;
    const hash = await hashPassword(next);
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('app_user')
        .set({ password_hash: hash, failed_sign_ins: 0, updated_at: now })
        .where('id', '=', userId)
        .execute();
      await recordAudit(
        trx,
        { actor: null, requestId: meta.requestId, clientIp: meta.clientIp, at: now },
        { action: 'password.changed', recordType: 'user', recordId: userId },
      );
    });
    return 'changed';
  }

  /** A form kept when the session ended, offered back only to the same user. */
  async takeSavedRequest(token: string | undefined, userId: string) {
    if (!token) return undefined;
    const id = sha256(token);
    const row = await this.db.selectFrom('saved_request').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    await this.db.deleteFrom('saved_request').where('id', '=', id).execute();
    if (row.user_id !== userId || row.expires_at < this.clock.now()) return undefined;
    return { path: row.path, body: row.body as unknown as Record<string, string | string[]> };
  }
}
