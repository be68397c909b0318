import { z } from 'zod';
import { booleanFromEnv } from '../config.ts';

/** The request log's environment; both APIs spread it into their schema. */
export const requestLogEnvShape = {
  /** Record requests (turn off only to measure what the log costs: `pnpm bench`). */
  REQUEST_LOG_ENABLED: booleanFromEnv.default(true),
  REQUEST_LOG_RETENTION_DAYS: z.coerce.number().int().min(1).max(3650).default(7),
  /** Comma-separated extra field names whose values are never stored (on top of passwords, secrets, OTPs, keys, tokens). */
  REQUEST_LOG_REDACT_FIELDS: z.string().max(2000).default(''),
} as const;

export interface RequestLogSettings {
  enabled: boolean;
  retentionDays: number;
  redactFields: string[];
}

export function requestLogSettingsFromEnv(env: {
  REQUEST_LOG_ENABLED: boolean;
  REQUEST_LOG_RETENTION_DAYS: number;
  REQUEST_LOG_REDACT_FIELDS: string;
}): RequestLogSettings {
  return {
    enabled: env.REQUEST_LOG_ENABLED,
    retentionDays: env.REQUEST_LOG_RETENTION_DAYS,
    redactFields: env.REQUEST_LOG_REDACT_FIELDS.split(',')
      .map((field) => field.trim())
      .filter(Boolean),
  };
}
