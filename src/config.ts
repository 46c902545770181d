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

export const configSchema = z.object({
  /** TCP port the HTTP server listens on. */
  PORT: port.default(3000),
  /** Interface to bind; 0.0.0.0 listens on all. */
  HOST: z.string().min(1).default('0.0.0.0'),
  /** Where the SQLite database and model artifacts live. Created if missing. */
  DATA_DIR: z.string().min(1).default('./data'),
  /** pino level. */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** The corpus the first-start model is trained from. */
  CORPUS_DIR: z.string().min(1).default('./corpus'),
  /** Behaviour definitions (answers, forms, escalation) and their data files. */
  INTENTS_DIR: z.string().min(1).default('./intents'),
  /** Web channel: messages per user id per minute. */
  RATE_LIMIT_USER_PER_MINUTE: z.coerce.number().int().positive().default(30),
  /** Web channel: messages per client IP per minute (several citizens may share an IP). */
  RATE_LIMIT_IP_PER_MINUTE: z.coerce.number().int().positive().default(120),
});

export type Config = Readonly<z.infer<typeof configSchema> & { modelsDir: string; databaseFile: string }>;

const HINTS: Record<string, string> = {
  PORT: 'set PORT to a number between 0 and 65535, e.g. PORT=3000',
  LOG_LEVEL: 'use one of fatal, error, warn, info, debug, trace, silent',
  RATE_LIMIT_USER_PER_MINUTE: 'set a positive whole number, e.g. RATE_LIMIT_USER_PER_MINUTE=30',
  RATE_LIMIT_IP_PER_MINUTE: 'set a positive whole number, e.g. RATE_LIMIT_IP_PER_MINUTE=120',
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
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return Object.freeze({
    ...parsed.data,
    DATA_DIR: dataDir,
    CORPUS_DIR: path.resolve(parsed.data.CORPUS_DIR),
    INTENTS_DIR: path.resolve(parsed.data.INTENTS_DIR),
    modelsDir: path.join(dataDir, 'models'),
    databaseFile: path.join(dataDir, 'wenzheng.db'),
  });
}

/** Loads `.env` into process.env without overriding real variables. */
export function loadDotEnv(file = '.env'): void {
  if (existsSync(file)) process.loadEnvFile(file);
}
