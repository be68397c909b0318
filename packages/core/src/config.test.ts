import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  booleanFromEnv,
  ConfigError,
  checkProductionSecrets,
  commonEnvShape,
  durationFromEnv,
  parseConfig,
  parseDuration,
  readPackageVersion,
} from './config.ts';

const schema = z
  .object({ ...commonEnvShape, MERCHANT_JWT_SECRET: z.string().optional(), ADMIN_JWT_SECRET: z.string().optional() })
  .superRefine((env, ctx) => checkProductionSecrets(env, ctx, ['MERCHANT_JWT_SECRET', 'ADMIN_JWT_SECRET']));

function problems(env: Record<string, string>): string[] {
  try {
    parseConfig(schema, env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
}

describe('config', () => {
  it('when nothing is set outside production, then defaults apply', () => {
    const config = parseConfig(schema, {});
    expect(config.NODE_ENV).toBe('development');
    expect(config.WEBHOOK_RETRY_SCHEDULE).toEqual([
      0, 5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000,
    ]);
    expect(config.SCENARIO_DELAY_SCALE).toBe(1);
  });

  it('when production lacks or weakens secrets, then every bad variable is named', () => {
    const list = problems({
      NODE_ENV: 'production',
      MERCHANT_JWT_SECRET: 'short',
      ADMIN_JWT_SECRET: 'CHANGE_ME_please_change_me_0123456789',
    });
    expect(list).toContain('DATABASE_URL: required in production');
    expect(list).toContain('MERCHANT_JWT_SECRET: must be at least 32 characters in production');
    expect(list).toContain('ADMIN_JWT_SECRET: still holds a CHANGE_ME placeholder');
  });

  it('when values have the wrong form, then each is reported as NAME: problem', () => {
    const list = problems({
      LOG_LEVEL: 'loud',
      SCENARIO_DELAY_SCALE: 'fast',
      DATABASE_URL: 'postgres://x/y',
      WEBHOOK_RETRY_SCHEDULE: '0,5 parsecs',
    });
    expect(list.map((p) => p.split(':')[0]).sort()).toEqual(
      ['DATABASE_URL', 'LOG_LEVEL', 'SCENARIO_DELAY_SCALE', 'WEBHOOK_RETRY_SCHEDULE'].sort(),
    );
  });

  it('when durations are written with units, then they are milliseconds', () => {
    expect(parseDuration('250')).toBe(250);
    expect(parseDuration('5s')).toBe(5_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(() => parseDuration('soon')).toThrow(/not a duration/);
  });

  it('when an env schema uses the shared flag and duration fields, then they parse as every process expects', () => {
    const env = z.object({ ON: booleanFromEnv.default(false), WAIT: durationFromEnv.prefault('5s') });
    expect(parseConfig(env, { ON: 'yes' })).toEqual({ ON: true, WAIT: 5_000 });
    expect(() => parseConfig(env, { WAIT: 'soon' })).toThrow(ConfigError);
  });

  it('when the package.json cannot be read, then the version is 0.0.0', () => {
    expect(readPackageVersion(new URL('./no-such-package.json', import.meta.url))).toBe('0.0.0');
    expect(readPackageVersion(new URL('../package.json', import.meta.url))).toMatch(/^\d+\.\d+\.\d+/);
  });
});
