/**
 * The application logger (pino). Secrets in known places are redacted, and
 * every string of every line passes through maskPersonalData: a citizen's
 * ID number or phone never reaches the log, whatever a developer logs.
 */
import pino, { type Logger, type LoggerOptions } from 'pino';
import { maskDeep, maskPersonalData } from '../privacy/mask.js';

export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  'password',
  'secret',
  'token',
  'access_token',
  '*.password',
  '*.secret',
  '*.token',
  '*.access_token',
];

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    hooks: {
      logMethod(args, method) {
        const masked = args.map((a) => (typeof a === 'string' ? maskPersonalData(a) : maskDeep(a))) as Parameters<typeof method>;
        return method.apply(this, masked);
      },
    },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
