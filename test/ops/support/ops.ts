import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPool, parseDatabaseUrl } from '@mypay/db';
import { freePort } from '../../support/ports.ts';
import { createScratchDatabase, type ScratchDatabase } from '../../support/scratch-db.ts';

export { freePort };

/** Helpers for the operations tests: run scripts for real, start real processes, clean up. */

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command without a shell; never throws on a non-zero exit. */
export function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string; input?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd ?? REPO,
      env: { ...process.env, ...options.env },
      // No terminal on stdin: scripts that ask for confirmation must refuse.
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 120_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
    if (child.stdin) {
      child.stdin.on('error', () => {}); // the command may exit before reading its input
      child.stdin.end(options.input);
    }
  });
}

/** A world-readable temp directory: nginx workers run as `nobody` when the tests run as root. */
export async function tempDir(label: string): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), `mypay-ops-${label}-`));
  await chmod(dir, 0o755);
  return dir;
}

export async function removeDir(dir: string | undefined): Promise<void> {
  if (dir) await rm(dir, { recursive: true, force: true });
}

export interface RunningServer {
  name: string;
  port: number;
  url: string;
  stop(): Promise<void>;
}

/**
 * A stand-in for a component that is not runnable here (a portal that has not been built):
 * answers like the real one would on the paths the tests touch and says who it is.
 */
export async function startStandIn(name: string, kind: 'api' | 'portal'): Promise<RunningServer> {
  const server: Server = createServer((req, res) => {
    if (kind === 'portal' && req.url === '/') {
      res.writeHead(307, { location: '/login' }).end();
      return;
    }
    const body =
      kind === 'api' && req.url === '/health'
        ? { status: 'ok', db: 'up', version: 'stand-in', uptimeSeconds: 1 }
        : { service: name, path: req.url, requestId: req.headers['x-request-id'] ?? null };
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  server.keepAliveTimeout = 1000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    name,
    port,
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs: number, child?: ChildProcess) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`${what}: process exited with ${child.exitCode}`);
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${what}: not ready within ${timeoutMs} ms`);
}

/** Stops a detached process group: SIGTERM, then SIGKILL if it has not gone after 10 s. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/**
 * Starts a real workspace service and waits for GET /health = 200: from its sources by default
 * (`pnpm --filter <pkg> start:src`, tsx), or its JavaScript build (`script: 'start'`, after `pnpm build`).
 */
export async function startService(
  pkg: '@mypay/payout-api' | '@mypay/payment-api',
  env: Record<string, string>,
  options: { script?: 'start' | 'start:src' } = {},
): Promise<RunningServer & { output: () => string; pid: number }> {
  const port = await freePort();
  let output = '';
  const child = spawn('pnpm', ['--silent', '--filter', pkg, options.script ?? 'start:src'], {
    cwd: REPO,
    env: { ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'warn', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitFor(async () => (await fetch(`${url}/health`)).status === 200, pkg, 90_000, child);
  } catch (error) {
    await stopGroup(child);
    throw new Error(`${(error as Error).message}\n${output}`);
  }
  return { name: pkg, port, url, pid: child.pid!, stop: () => stopGroup(child), output: () => output };
}

/** A migrated (and optionally seeded) scratch database mypay_ops_<random>. */
export async function createOpsDatabase(seed: boolean): Promise<ScratchDatabase> {
  const scratch = await createScratchDatabase('ops');
  const env = { DATABASE_URL: scratch.url, NODE_ENV: 'test' };
  const migrated = await run('pnpm', ['--silent', 'db:migrate'], { env });
  if (migrated.code !== 0) throw new Error(`db:migrate failed: ${migrated.stderr}`);
  if (seed) {
    const seeded = await run('pnpm', ['--silent', 'db:seed'], { env });
    if (seeded.code !== 0) throw new Error(`db:seed failed: ${seeded.stderr}`);
  }
  return scratch;
}

/** Runs SQL on a database URL and returns the rows. */
export async function query<T = Record<string, unknown>>(url: string, sql: string): Promise<T[]> {
  const pool = createPool(parseDatabaseUrl(url), { connectionLimit: 1 });
  try {
    return (await pool.query(sql)) as T[];
  } finally {
    await pool.end();
  }
}

/** CHECKSUM TABLE of every table: equal maps mean equal data. */
export async function tableChecksums(url: string): Promise<Record<string, string>> {
  const tables = await query<{ name: string }>(
    url,
    "SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE() AND table_type = 'BASE TABLE' ORDER BY table_name",
  );
  const list = tables.map((t) => `\`${t.name}\``).join(', ');
  const rows = await query<{ Table: string; Checksum: bigint | number | null }>(url, `CHECKSUM TABLE ${list}`);
  return Object.fromEntries(rows.map((r) => [r.Table.split('.').pop()!, String(r.Checksum)]));
}

/** Installs the Debian packages a test drives when they are missing (scripts/lib/setup.sh's ensure_packages). */
export async function ensureDebianPackages(...packages: string[]): Promise<void> {
  const result = await run(
    'bash',
    ['-c', 'source scripts/lib/setup.sh && ensure_packages "$@"', 'ensure-packages', ...packages],
    { timeoutMs: 600_000 },
  );
  if (result.code !== 0) throw new Error(`cannot install ${packages.join(' ')}: ${result.stderr}`);
}

/** Polls until `check` returns a value (not undefined/null/false), or fails with `what` after timeoutMs. */
export async function pollFor<T>(
  check: () => Promise<T | undefined | null | false>,
  what: string,
  timeoutMs = 60_000,
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined && value !== null && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}
