import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const lifecycleChild = fileURLToPath(new URL('./fixtures/lifecycle-child.ts', import.meta.url));
const processErrorsChild = fileURLToPath(new URL('./fixtures/process-errors-child.ts', import.meta.url));

interface Run {
  lines: { level: number; msg: string; err?: { message: string } }[];
  exitCode: Promise<number | null>;
  kill: (signal: NodeJS.Signals) => void;
}

function start(mode: string, child = lifecycleChild, env: Record<string, string> = {}): Run {
  const proc = spawn(process.execPath, ['--import', 'tsx', child], {
    env: { ...process.env, LIFECYCLE_MODE: mode, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: Run = {
    lines: [],
    // 'close', not 'exit': by then stdout is read to its end.
    exitCode: new Promise((resolve) => proc.on('close', (code) => resolve(code))),
    kill: (signal) => proc.kill(signal),
  };
  let buffer = '';
  proc.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString();
    const parts = buffer.split('\n');
    buffer = parts.pop() ?? '';
    for (const part of parts) if (part.trim()) run.lines.push(JSON.parse(part));
  });
  return run;
}

const messages = (run: Run) => run.lines.map((line) => line.msg);

describe('runServer', () => {
  it('when the process gets SIGTERM, then it stops its jobs, runs onShutdown, logs "stopped" and exits 0', async () => {
    const run = start('signal');
    await expect.poll(() => messages(run), { timeout: 20_000 }).toContain('job started');
    run.kill('SIGTERM');
    // One object, so a failure shows the exit code and the whole log together.
    expect({ exitCode: await run.exitCode, log: messages(run) }).toEqual({
      exitCode: 0,
      log: expect.arrayContaining(['job stopped', 'cleanup ran', 'stopped']),
    });
    // In this order, and nothing after "stopped" but the shutdown notice: once, under CI load, the
    // notice (logged first) reached the pipe after the others; the order of the steps is what counts.
    const ordered = messages(run).filter((m) => ['job stopped', 'cleanup ran', 'stopped'].includes(m));
    expect(ordered).toEqual(['job stopped', 'cleanup ran', 'stopped']);
    const after = messages(run).slice(messages(run).lastIndexOf('stopped') + 1);
    expect(after.every((m) => m.startsWith('shutting down'))).toBe(true);
  });

  it('when a promise rejection goes unhandled, then it is logged as fatal and the process exits 1', async () => {
    const run = start('reject');
    expect(await run.exitCode).toBe(1);
    const fatal = run.lines.find((line) => line.level === 60);
    expect(fatal).toMatchObject({ msg: 'unhandled promise rejection; exiting', err: { message: 'boom-rejected' } });
  });

  it('when an exception goes uncaught, then it is logged as fatal and the process exits 1', async () => {
    const run = start('throw');
    expect(await run.exitCode).toBe(1);
    const fatal = run.lines.find((line) => line.level === 60);
    expect(fatal).toMatchObject({ msg: 'uncaught exception; exiting', err: { message: 'boom-thrown' } });
  });
});

describe('logProcessErrors with exitOnRejection: false (the portals)', () => {
  it('when a promise rejection goes unhandled, then it is logged as an error and the process keeps running', async () => {
    const run = start('', processErrorsChild);
    await run.exitCode;
    const rejected = run.lines.findIndex((line) => line.msg === 'unhandled promise rejection');
    expect(run.lines[rejected]).toMatchObject({ level: 50, err: { message: 'boom-rejected' } });
    expect(messages(run).indexOf('still running')).toBeGreaterThan(rejected);
  });

  it('when an exception then goes uncaught, then it is logged as fatal and the process exits 1', async () => {
    const run = start('', processErrorsChild);
    expect(await run.exitCode).toBe(1);
    expect(run.lines.at(-1)).toMatchObject({
      level: 60,
      msg: 'uncaught exception; exiting',
      err: { message: 'boom-thrown' },
    });
  });

  it('when the line before the exception is still being written, then both reach the log, the fatal one last', async () => {
    const run = start('', processErrorsChild, { UV_THREADPOOL_SIZE: '1', PROCESS_ERRORS_BUSY_POOL: '1' });
    expect(await run.exitCode).toBe(1);
    expect(messages(run).slice(-2)).toEqual(['still running', 'uncaught exception; exiting']);
  });
});
