/**
 * Every setting in one schema, validated once at start-up and frozen.
 * Errors name the setting and say how to fix it. Values come from the
 * environment, optionally from a `.env` file in the working directory
 * (real environment variables win).
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { AppError } from './core/errors.js';

const port = z.coerce.number().int().min(0).max(65535);
/** An optional secret; set but empty (`KEY=` in .env) counts as unset. */
const secret = (min: number) =>
  z
    .string()
    .optional()
    .transform((v) => v || undefined)
    .pipe(z.string().min(min, `must be at least ${min} characters`).optional());

export const configSchema = z.object({
  /** TCP port the HTTP server listens on. */
  PORT: port.default(3000),
  /** Interface to bind; 0.0.0.0 listens on all. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where the SQLite database and model artifacts live. Created if missing. */
  DATA_DIR: z.string().min(1).default('./data'),
  /**
   * PostgreSQL connection URL (postgres://user:password@host:5432/db): every store moves there,
   * for several instances on one database. Unset: the SQLite file in DATA_DIR (the default).
   */
  DATABASE_URL: z.preprocess(
    (v) => (v === '' ? undefined : v),
    z
      .string()
      .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres:// URL')
      .optional(),
  ),
  /** Connections each instance keeps open to PostgreSQL at most (DATABASE_URL). */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(200).default(10),
  /**
   * Where model artifacts and the CURRENT pointer live; default DATA_DIR/models. Several
   * instances point it at one shared directory (NFS and the like), so a model promoted on one
   * is served by all (docs/deploy.md).
   */
  MODELS_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  /** The dispatch (派单) model's artifacts, as MODELS_DIR: default DATA_DIR/dispatch-models; a fleet shares one directory. */
  DISPATCH_MODELS_DIR: z.preprocess((v) => (v === '' ? undefined : v), z.string().min(1).optional()),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The corpus the first-start model is trained from. */
  CORPUS_DIR: z.string().min(1).default('./corpus'),
  /** Behaviour definitions (answers, forms, escalation) and their data files. */
  INTENTS_DIR: z.string().min(1).default('./intents'),
  /** How often a running server looks for a newly promoted model (seconds; 0 turns hot swap off). */
  MODEL_WATCH_SECONDS: z.coerce.number().int().min(0).default(5),
  /**
   * Worker threads that parse messages (0: parse on the event loop). Each
   * holds a copy of the model (~80–180 MB); worth it where cores are spare.
   */
  PARSE_THREADS: z.coerce.number().int().min(0).max(16).default(0),
  /** Web channel: messages per user id per minute. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Web channel: messages per client IP per minute (several citizens may share an IP). */
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(120),
  /** POST /api/v1/parse (public): requests per client IP per minute. */
  RATE_LIMIT_PARSE_PER_MINUTE: z.coerce.number().int().positive().default(600),
  /** WeChat Official Account: the Token set in the account's server configuration. Enables the channel. */
  WECHAT_TOKEN: z.string().min(3).max(32).optional(),
  /** WeChat Official Account AppID (wx…). */
  WECHAT_APPID: z.string().min(1).optional(),
  /** WeChat Official Account AppSecret (for access_token). */
  WECHAT_SECRET: z.string().min(1).optional(),
  /** EncodingAESKey (43 characters) for compatible and safe mode. */
  WECHAT_AES_KEY: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'must be 43 characters of [A-Za-z0-9]')
    .optional(),
  /** The previous EncodingAESKey, accepted during a key rotation. */
  WECHAT_AES_KEY_PREVIOUS: z
    .string()
    .regex(/^[A-Za-z0-9]{43}$/, 'must be 43 characters of [A-Za-z0-9]')
    .optional(),
  /** Accept plaintext messages although WECHAT_AES_KEY is set (only for testing; in safe mode a plaintext POST is forgeable). */
  WECHAT_ALLOW_PLAINTEXT: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** WeChat API base URL (tests point it at a fake server). */
  WECHAT_API_BASE: z.string().url().default('https://api.weixin.qq.com'),
  /** Reject webhook requests whose timestamp is further than this from now. */
  WECHAT_REPLAY_WINDOW_SECONDS: z.coerce.number().int().positive().default(300),
  /** Past this, answer "success" at once and send the reply through the customer-service API. */
  WECHAT_REPLY_DEADLINE_MS: z.coerce.number().int().positive().max(4800).default(4000),
  /**
   * Wechaty puppet to start with the server (e.g. wechaty-puppet-service); the channel is off when unset.
   * Several instances on PostgreSQL may set it: one runs the bot, the others stand by (docs/deploy.md 11.1.1).
   */
  WECHATY_PUPPET: z.string().min(1).optional(),
  /** Token for the puppet (wechaty-puppet-service and similar). */
  WECHATY_PUPPET_TOKEN: z.string().min(1).optional(),
  /** Custom menu: buttons, and the intent each CLICK key starts. */
  WECHAT_MENU_FILE: z.string().default('./intents/data/wechat-menu.yaml'),
  /** Staff desk hours on working days (Shanghai time), "HH:MM-HH:MM" or "always". Outside them escalations become callback requests. */
  OFFICE_HOURS: z
    .string()
    .regex(/^(always|\d{1,2}:\d{2}-\d{1,2}:\d{2})$/, 'must look like 09:00-17:00 or be "always"')
    .default('09:00-17:00'),
  /** ISO weekdays the desk works (1 = Monday … 7 = Sunday), before the holiday calendar in intents/data. */
  OFFICE_DAYS: z
    .string()
    .regex(/^[1-7](,[1-7])*$/, 'must be a comma-separated list of 1–7')
    .default('1,2,3,4,5')
    .transform((d) => d.split(',').map(Number)),
  /**
   * Staff take emergencies around the clock: an emergency outside office
   * hours is handed to the desk at once. Off: it is filed as an urgent ticket
   * (priority urgent: first in the staff's ticket list) for the first staff
   * on duty, and the citizen is pointed to 110/119/120.
   */
  EMERGENCY_DESK_24H: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** A queued handoff waiting longer than this is highlighted in the console. */
  STAFF_SLA_SECONDS: z.coerce.number().int().positive().default(120),
  /** A handed-off conversation with no message either way for this long goes back to the assistant. */
  HANDOFF_IDLE_MINUTES: z.coerce.number().positive().default(30),
  /** Conversation text older than this many days is erased by the retention job (0 keeps it forever). */
  RETENTION_DAYS: z.coerce.number().int().min(0).default(180),
  /** Staff sessions last this long. */
  STAFF_SESSION_HOURS: z.coerce.number().positive().default(12),
  /** Failed logins in a row before an account is locked, and for how long. */
  LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  LOGIN_LOCK_MINUTES: z.coerce.number().positive().default(15),
  /** Session cookie's Secure flag: auto = when the request came over TLS (see TRUST_PROXY). */
  COOKIE_SECURE: z.enum(['auto', 'true', 'false']).default('auto'),
  /** Trust X-Forwarded-* from a reverse proxy (nginx terminating TLS): "true", or the proxy's address/CIDR list. */
  TRUST_PROXY: z.string().default('false'),
  /** Lets an integrator backend name its users in the JSON message API (Authorization: Bearer …); unset, only the chat page's cookie citizens can write. */
  INTEGRATION_API_KEY: secret(32),
  /** Signs the web citizen's identity cookie; unset, a secret generated on first start is kept in DATA_DIR/citizen-cookie.secret. */
  CITIZEN_COOKIE_SECRET: secret(32),
  /**
   * Working days a ticket has before it is flagged overdue, per kind
   * (OFFICE_DAYS and the holiday calendar in intents/data say which days work).
   */
  TICKET_DUE_DAYS: z
    .string()
    .regex(
      /^(complaint|suggestion|callback|follow_up):\d{1,3}(,(complaint|suggestion|callback|follow_up):\d{1,3})*$/,
      'must look like complaint:5,suggestion:10,callback:2,follow_up:3',
    )
    .default('complaint:5,suggestion:10,callback:2,follow_up:3'),
  /** Bearer token a Prometheus scrape of /metrics must send; unset, /metrics answers only direct connections from this host. */
  METRICS_TOKEN: secret(24),
  /** Review queue: a parse the model accepted with a score below this counts as unsure and is queued for review. */
  REVIEW_LOW_CONFIDENCE: z.coerce.number().min(0).max(1).default(0.6),
  /** The dispatch model's score below which a ticket gets no department and waits in 待分派 for a person. */
  DISPATCH_MIN_SCORE: z.coerce.number().min(0).max(1).default(0.5),
});

export type Config = Readonly<
  z.infer<typeof configSchema> & { modelsDir: string; databaseFile: string; dispatchModelsDir: string; departmentsFile: string }
>;

const HINTS: Record<string, string> = {
  PORT: 'set PORT to a number between 0 and 65535, e.g. PORT=3000',
  LOG_LEVEL: 'use one of fatal, error, warn, info, debug, trace, silent',
  MODEL_WATCH_SECONDS: 'a whole number of seconds, e.g. MODEL_WATCH_SECONDS=5 (0 turns hot swap off)',
  PARSE_THREADS: 'a whole number from 0 to 16, e.g. PARSE_THREADS=1 (0 parses on the event loop)',
  RATE_LIMIT_USER_PER_MINUTE: 'set a positive whole number, e.g. RATE_LIMIT_USER_PER_MINUTE=30',
  RATE_LIMIT_IP_PER_MINUTE: 'set a positive whole number, e.g. RATE_LIMIT_IP_PER_MINUTE=120',
  WECHAT_AES_KEY: 'copy the EncodingAESKey from the Official Account platform (基本配置 → 服务器配置)',
  WECHAT_AES_KEY_PREVIOUS: 'copy the previous EncodingAESKey, or unset it',
  WECHAT_TOKEN: 'the Token from the Official Account platform (3–32 characters)',
  WECHAT_API_BASE: 'a URL such as https://api.weixin.qq.com',
  WECHAT_REPLY_DEADLINE_MS: 'WeChat waits 5 s; use at most 4800, e.g. 4000',
  OFFICE_HOURS: 'e.g. OFFICE_HOURS=09:00-17:00, or OFFICE_HOURS=always for a desk that is always staffed',
  OFFICE_DAYS: 'e.g. OFFICE_DAYS=1,2,3,4,5 for Monday to Friday',
  INTEGRATION_API_KEY: 'a random secret, e.g. INTEGRATION_API_KEY=$(openssl rand -hex 24)',
  CITIZEN_COOKIE_SECRET:
    'a random secret, e.g. CITIZEN_COOKIE_SECRET=$(openssl rand -hex 32), or unset it to use DATA_DIR/citizen-cookie.secret',
  TICKET_DUE_DAYS: 'kind:working days, e.g. TICKET_DUE_DAYS=complaint:5,suggestion:10,callback:2,follow_up:3',
  METRICS_TOKEN: 'a random secret, e.g. METRICS_TOKEN=$(openssl rand -hex 24)',
  REVIEW_LOW_CONFIDENCE: 'a score between 0 and 1, e.g. REVIEW_LOW_CONFIDENCE=0.6',
  DISPATCH_MIN_SCORE: 'a score between 0 and 1, e.g. DISPATCH_MIN_SCORE=0.5',
  DATABASE_URL: 'e.g. DATABASE_URL=postgres://wenzheng:secret@db.internal:5432/wenzheng, or unset it for SQLite',
  DATABASE_POOL_MAX: 'a whole number from 1 to 200, e.g. DATABASE_POOL_MAX=10',
};

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = configSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0] ?? '?');
      return `${key}: ${issue.message}${HINTS[key] ? ` (${HINTS[key]})` : ''}`;
    });
    throw new AppError('CONFIG_INVALID', `Invalid configuration:\n  ${problems.join('\n  ')}`, problems);
  }
  const d = parsed.data;
  if (d.WECHAT_TOKEN && (!d.WECHAT_APPID || !d.WECHAT_SECRET)) {
    throw new AppError(
      'CONFIG_INVALID',
      'Invalid configuration:\n  WECHAT_APPID / WECHAT_SECRET: required when WECHAT_TOKEN enables the WeChat channel (from 基本配置 on the Official Account platform)',
    );
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return Object.freeze({
    ...parsed.data,
    DATA_DIR: dataDir,
    CORPUS_DIR: path.resolve(parsed.data.CORPUS_DIR),
    INTENTS_DIR: path.resolve(parsed.data.INTENTS_DIR),
    WECHAT_MENU_FILE: path.resolve(parsed.data.WECHAT_MENU_FILE),
    modelsDir: parsed.data.MODELS_DIR ? path.resolve(parsed.data.MODELS_DIR) : path.join(dataDir, 'models'),
    dispatchModelsDir: parsed.data.DISPATCH_MODELS_DIR
      ? path.resolve(parsed.data.DISPATCH_MODELS_DIR)
      : path.join(dataDir, 'dispatch-models'),
    departmentsFile: path.join(path.resolve(parsed.data.INTENTS_DIR), 'data', 'departments.yaml'),
    databaseFile: path.join(dataDir, 'wenzheng.db'),
  });
}

/** Loads `.env` into process.env without overriding real variables. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
