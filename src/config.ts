import { z } from 'zod';

/** Every environment variable the product reads, validated once at start-up. */
const bool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');
const minutes = z.coerce.number().int().positive();

const EnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  BASE_URL: z.url().optional(),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATABASE_REPLICA_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must start with postgres:// or postgresql://')
    .optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  SESSION_SECRET: z.string().optional(),
  SESSION_IDLE_MINUTES: minutes.default(30),
  SESSION_ABSOLUTE_HOURS: z.coerce.number().int().positive().default(12),
  COOKIE_SECURE: bool.optional(),
  MFA_REQUIRED: bool.optional(),
  SIGN_IN_MAX_FAILURES: z.coerce.number().int().min(1).max(100).default(5),
  SIGN_IN_LOCKOUT_MINUTES: minutes.default(15),
  SIGN_IN_CLIENT_MAX_FAILURES: z.coerce.number().int().min(1).max(10_000).default(20),
  SIGN_IN_CLIENT_WINDOW_MINUTES: minutes.default(15),
  API_TOKEN_MAX_DAYS: z.coerce.number().int().min(1).max(3650).default(90),
  SEED_DEMO: bool.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OIDC_ISSUER: z.url().optional(),
  OIDC_CLIENT_ID: z.string().min(1).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).optional(),
  OIDC_BUTTON_TEXT: z.string().min(1).default('Sign in with your organisation account'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://')
    .optional(),
  MAIL_FROM: z.string().min(3).default('Early Help Hub <no-reply@early-help.invalid>'),
  TRUST_PROXY: bool.default(false),
  MATCH_THRESHOLD: z.coerce.number().min(0).max(60).default(16),
  POSSIBLE_MATCH_THRESHOLD: z.coerce.number().min(0).max(60).default(8),
  CONSENT_MIN_AGE: z.coerce.number().int().min(0).max(18).default(12),
  JOBS_POLL: bool.optional(),
  JOBS_POLL_INTERVAL_MS: z.coerce.number().int().min(10).max(600_000).default(1000),
  JOBS_LEASE_SECONDS: z.coerce.number().int().min(1).max(86_400).default(300),
  // Attachments are kept in the database and in every backup: 10 MB holds a scanned letter or a photographed form.
  ATTACHMENT_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1024, 'must be at least 1024 (1 KB)')
    .max(50 * 1024 * 1024, 'must be at most 52428800 (50 MB): attachments are kept in the database')
    .default(10 * 1024 * 1024),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  port: number;
  host: string;
  baseUrl: string;
  database: { kind: 'pglite'; dataDir: string } | { kind: 'postgres'; url: string; replicaUrl?: string };
  dataDir: string;
  session: { secret: string; idleMinutes: number; absoluteHours: number; cookieSecure: boolean };
  mfaRequired: boolean;
  /**
   * An account locks for `lockoutMinutes` after `maxFailures` wrong attempts; one client address with
   * `clientMaxFailures` failed sign-ins (across any accounts) within `clientWindowMinutes` is refused.
   */
  signIn: { maxFailures: number; lockoutMinutes: number; clientMaxFailures: number; clientWindowMinutes: number };
  /** The longest an API token may last, in days; new tokens are offered this by default. */
  apiTokens: { maxDays: number };
  seedDemo: boolean;
  logLevel: string;
  oidc?: { issuer: string; clientId: string; clientSecret: string; buttonText: string };
  mail: { smtpUrl?: string; from: string };
  trustProxy: boolean;
  /** Person-matching score thresholds in bits: at or above `match` the same person; at or above `possible`, review. */
  matching: { match: number; possible: number };
  /** Below this age a child cannot be the person consenting: a person with parental responsibility must. */
  consent: { minAge: number };
  /**
   * Durable jobs: whether this process polls for due jobs (not under NODE_ENV=test, where tests run them), how often
   * when there are none, and how long a claimed job is held before another instance may take it over.
   */
  jobs: { poll: boolean; pollIntervalMs: number; leaseSeconds: number };
  /** The largest file that may be attached, in bytes (files are kept in the database and in backups). */
  attachments: { maxBytes: number };
};

export class ConfigError extends Error {}

const DEV_SECRET = 'development-only-session-secret-not-for-production';

/** Parse the environment; throws ConfigError with one line naming the bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`Invalid configuration: ${String(issue.path[0])} ${issue.message}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const secret = e.SESSION_SECRET ?? (production ? undefined : DEV_SECRET);
  if (!secret) throw new ConfigError('Invalid configuration: SESSION_SECRET is required when NODE_ENV=production');
  if (production && (secret === DEV_SECRET || secret.length < 32)) {
    throw new ConfigError('Invalid configuration: SESSION_SECRET must be at least 32 random characters in production');
  }
  if (production && e.COOKIE_SECURE === false) {
    throw new ConfigError('Invalid configuration: COOKIE_SECURE cannot be false in production');
  }
  if (production && e.MFA_REQUIRED === false) {
    throw new ConfigError('Invalid configuration: MFA_REQUIRED cannot be false in production');
  }
  const oidcParts = [e.OIDC_ISSUER, e.OIDC_CLIENT_ID, e.OIDC_CLIENT_SECRET].filter(Boolean).length;
  if (oidcParts !== 0 && oidcParts !== 3) {
    throw new ConfigError(
      'Invalid configuration: OIDC_ISSUER, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET must be set together',
    );
  }
  if (e.POSSIBLE_MATCH_THRESHOLD > e.MATCH_THRESHOLD) {
    throw new ConfigError('Invalid configuration: POSSIBLE_MATCH_THRESHOLD must not be above MATCH_THRESHOLD');
  }
  if (production && !e.BASE_URL) throw new ConfigError('Invalid configuration: BASE_URL is required in production');
  const baseUrl = (e.BASE_URL ?? `http://${e.HOST === '0.0.0.0' ? 'localhost' : e.HOST}:${e.PORT}`).replace(/\/$/, '');
  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    baseUrl,
    database: e.DATABASE_URL
      ? {
          kind: 'postgres',
          url: e.DATABASE_URL,
          ...(e.DATABASE_REPLICA_URL ? { replicaUrl: e.DATABASE_REPLICA_URL } : {}),
        }
      : { kind: 'pglite', dataDir: `${e.DATA_DIR.replace(/\/$/, '')}/pglite` },
    dataDir: e.DATA_DIR,
    session: {
      secret,
      idleMinutes: e.SESSION_IDLE_MINUTES,
      absoluteHours: e.SESSION_ABSOLUTE_HOURS,
      cookieSecure: e.COOKIE_SECURE ?? production,
    },
    mfaRequired: e.MFA_REQUIRED ?? true,
    signIn: {
      maxFailures: e.SIGN_IN_MAX_FAILURES,
      lockoutMinutes: e.SIGN_IN_LOCKOUT_MINUTES,
      clientMaxFailures: e.SIGN_IN_CLIENT_MAX_FAILURES,
      clientWindowMinutes: e.SIGN_IN_CLIENT_WINDOW_MINUTES,
    },
    apiTokens: { maxDays: e.API_TOKEN_MAX_DAYS },
    seedDemo: e.SEED_DEMO ?? !production,
    logLevel: e.LOG_LEVEL,
    ...(e.OIDC_ISSUER && e.OIDC_CLIENT_ID && e.OIDC_CLIENT_SECRET
      ? {
          oidc: {
            issuer: e.OIDC_ISSUER,
            clientId: e.OIDC_CLIENT_ID,
            clientSecret: e.OIDC_CLIENT_SECRET,
            buttonText: e.OIDC_BUTTON_TEXT,
          },
        }
      : {}),
    mail: { ...(e.SMTP_URL ? { smtpUrl: e.SMTP_URL } : {}), from: e.MAIL_FROM },
    trustProxy: e.TRUST_PROXY,
    matching: { match: e.MATCH_THRESHOLD, possible: e.POSSIBLE_MATCH_THRESHOLD },
    consent: { minAge: e.CONSENT_MIN_AGE },
    jobs: {
      poll: e.JOBS_POLL ?? e.NODE_ENV !== 'test',
      pollIntervalMs: e.JOBS_POLL_INTERVAL_MS,
      leaseSeconds: e.JOBS_LEASE_SECONDS,
    },
    attachments: { maxBytes: e.ATTACHMENT_MAX_BYTES },
  };
}

/** The configuration variables, for the README table and `early-help config`. */
export const CONFIG_VARIABLES = Object.keys(EnvSchema.shape);
