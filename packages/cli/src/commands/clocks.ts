import { parseClockStepSeconds } from '@mypay/contracts';
import type { MyPay, TestClock } from '@mypay/sdk';
import { colorEnabled, out, paint, printJson, table, UsageError } from '../output.ts';

/** `30m`, `2h`, `1h30m`, `45s`, `1d`, or plain seconds (`90`) → whole seconds (the contracts' parser). */
export function parseClockStep(text: string): number {
  const seconds = parseClockStepSeconds(text);
  if (seconds !== null) return seconds;
  if (/^\d+$/.test(text.trim()) || /^(\d+[smhdw])+$/.test(text.trim()))
    throw new UsageError(`"${text}" must be at least 1 s`);
  throw new UsageError(`"${text}" is not a step; use e.g. 31s, 5m, 2h, 1h30m, 1d or a number of seconds`);
}

function printClock(clock: TestClock): void {
  const color = colorEnabled();
  out(`${paint('bold', clock.id, color)}${clock.name ? ` (${clock.name})` : ''}`);
  out(`  time     ${clock.frozenTime}`);
  out(`  status   ${clock.status}`);
  out(`  created  ${clock.createdAt}`);
}

export async function createClockCommand(
  client: MyPay,
  options: { name?: string; frozenTime?: string; idempotencyKey?: string; json: boolean },
): Promise<void> {
  if (options.frozenTime !== undefined && Number.isNaN(Date.parse(options.frozenTime))) {
    throw new UsageError('--frozen-time is an ISO-8601 time, e.g. 2026-12-01T09:30:00Z');
  }
  const clock = await client.testClocks.create(
    { name: options.name, frozenTime: options.frozenTime },
    { idempotencyKey: options.idempotencyKey },
  );
  if (options.json) return printJson(clock);
  printClock(clock);
  out(paint('dim', `  bind objects with: mypay trigger <scenario> --clock ${clock.id}`, colorEnabled()));
}

export async function listClocksCommand(
  client: MyPay,
  options: { limit?: string; cursor?: string; json: boolean },
): Promise<void> {
  const limit = options.limit === undefined ? undefined : Number(options.limit);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1 || limit > 100)) {
    throw new UsageError('--limit is 1 to 100');
  }
  const page = await client.testClocks.list({ limit, cursor: options.cursor });
  if (options.json) return printJson(page);
  out(
    table(
      ['id', 'name', 'time', 'status', 'created'],
      page.data.map((c) => [c.id, c.name ?? '', c.frozenTime, c.status, c.createdAt]),
    ),
  );
  if (page.hasMore) out(paint('dim', `more: --cursor ${page.nextCursor}`, colorEnabled()));
}

/** `mypay clocks advance <id> 30m` (or `--to <time>`): returns once every due step has happened. */
export async function advanceClockCommand(
  client: MyPay,
  id: string,
  step: string | undefined,
  options: { to?: string; json: boolean },
): Promise<void> {
  if ((step === undefined) === (options.to === undefined)) {
    throw new UsageError('give a step (e.g. 30m, 2h) or --to <time>, not both');
  }
  if (options.to !== undefined && Number.isNaN(Date.parse(options.to))) {
    throw new UsageError('--to is an ISO-8601 time, e.g. 2026-12-01T11:30:00Z');
  }
  const params =
    step !== undefined ? { seconds: parseClockStep(step) } : { frozenTime: new Date(options.to!).toISOString() };
  const before = options.json ? null : await client.testClocks.get(id);
  const clock = await client.testClocks.advance(id, params);
  if (options.json) return printJson(clock);
  out(`Advanced ${paint('bold', clock.id, colorEnabled())} from ${before?.frozenTime} to ${clock.frozenTime}`);
}

export async function getClockCommand(client: MyPay, id: string, json: boolean): Promise<void> {
  const clock = await client.testClocks.get(id);
  if (json) return printJson(clock);
  printClock(clock);
}

export async function deleteClockCommand(client: MyPay, id: string, json: boolean): Promise<void> {
  const deleted = await client.testClocks.delete(id);
  if (json) return printJson(deleted);
  out(`Deleted ${deleted.id}; its objects keep their state and stop moving`);
}
