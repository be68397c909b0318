import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured JSON logs. Paths that could carry credentials are redacted wherever they
 * appear, so a key, password or secret never reaches a log line.
 */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.secret',
  '*.apiKey',
  '*.key',
  '*.token',
  '*.otp',
];

export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({
    level: options.level ?? 'info',
    name: options.name,
    base: { service: options.name },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
  });
}
