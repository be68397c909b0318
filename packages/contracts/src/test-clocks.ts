import { z } from 'zod';
import { isoDateTime, pageOf, pageQueryShape } from './common.ts';

/** Test clocks: a merchant's own sandbox time (docs/test-clocks.md). */

export const TEST_CLOCK_STATUSES = ['ready', 'advancing'] as const;
export const testClockStatus = z.enum(TEST_CLOCK_STATUSES).meta({
  id: 'TestClockStatus',
  description: '`advancing` while an advance applies its due transitions, else `ready`',
});

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
