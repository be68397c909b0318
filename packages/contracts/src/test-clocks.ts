import { z } from 'zod';
import { isoDateTime, pageOf, pageQueryShape } from './common.ts';

/** Test clocks: a merchant's own sandbox time (docs/test-clocks.md). */

export const TEST_CLOCK_STATUSES = ['ready', 'advancing'] as const;
export const testClockStatus = z.enum(TEST_CLOCK_STATUSES).meta({
  id: 'TestClockStatus',
  description: '`advancing` while an advance applies its due transitions, else `ready`',
});

const STEP_UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/**
 * An advance step as people write it — `30m`, `2h`, `1h30m`, `45s`, `1d`, `1w` or plain seconds
 * (`90`) — in whole seconds (at least 1); null when it is none of these. The CLI (`mypay clocks
 * advance`) and the merchant portal's advance form read steps with it.
 */
export function parseClockStepSeconds(text: string): number | null {
  const trimmed = text.trim();
  let seconds: number;
  if (/^\d+$/.test(trimmed)) seconds = Number(trimmed);
  else {
    const parts = [...trimmed.matchAll(/(\d+)([smhdw])/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== trimmed) return null;
    seconds = parts.reduce((sum, p) => sum + Number(p[1]) * (STEP_UNIT_SECONDS[p[2] as string] ?? 0), 0);
  }
  return Number.isSafeInteger(seconds) && seconds >= 1 ? seconds : null;
}

/** Largest single advance unless TEST_CLOCK_MAX_ADVANCE says otherwise: 30 days. */
export const DEFAULT_TEST_CLOCK_MAX_ADVANCE_SECONDS = 30 * 24 * 3600;

const clockTime = z.iso
  .datetime({ offset: true })
  .meta({ description: 'ISO-8601 (an offset is allowed; answered in UTC)', example: '2026-12-01T09:30:00.000Z' });

export const createTestClockBody = z
  .object({
    name: z.string().trim().min(1).max(191).optional().meta({ example: 'checkout retry suite' }),
    frozenTime: clockTime.optional().meta({ description: 'Where the clock starts (default: now)' }),
  })
  .meta({
    id: 'CreateTestClock',
    examples: [{ name: 'checkout retry suite' }, { name: 'month end', frozenTime: '2026-12-31T23:59:00.000Z' }],
  });
export type CreateTestClockBody = z.infer<typeof createTestClockBody>;

export const advanceTestClockBody = z
  .object({
    seconds: z.number().int().min(1).optional().meta({ description: 'How far to move the clock forward', example: 31 }),
    frozenTime: clockTime.optional().meta({ description: 'The new clock time; later than the current one' }),
  })
  .superRefine((body, ctx) => {
    if ((body.seconds === undefined) === (body.frozenTime === undefined)) {
      ctx.addIssue({ code: 'custom', path: ['seconds'], message: 'give exactly one of seconds or frozenTime' });
    }
  })
  .meta({
    id: 'AdvanceTestClock',
    examples: [{ seconds: 31 }, { frozenTime: '2026-12-01T11:30:00.000Z' }],
  });
export type AdvanceTestClockBody = z.infer<typeof advanceTestClockBody>;

export const testClockSchema = z
  .object({
    id: z.string().meta({ example: 'clk_7Qm2a1b2c3d4e5f6g7h8i9j0' }),
    name: z.string().nullable().meta({ example: 'checkout retry suite' }),
    frozenTime: isoDateTime.meta({ description: 'The time on the clock' }),
    status: testClockStatus,
    createdAt: isoDateTime,
  })
  .meta({ id: 'TestClock' });
export type TestClock = z.infer<typeof testClockSchema>;

export const listTestClocksQuery = z.object({ ...pageQueryShape });
export const testClockList = pageOf(testClockSchema, 'TestClockList');

export const deletedTestClock = z.object({ id: z.string(), deleted: z.literal(true) }).meta({ id: 'DeletedTestClock' });
