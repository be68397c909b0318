import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.ts';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The two Next.js portals; both are started and built the same way. */
export type PortalName = 'merchant-portal' | 'admin-portal';

export const testDatabaseUrl = () => process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test';

export { freePort };

/** scripts/test.sh builds first; a lone `vitest run` builds here if the output is missing. */
export function ensureBuilt(portal: PortalName): void {
  if (existsSync(path.join(REPO_ROOT, `apps/${portal}/.next/standalone/apps/${portal}/server.js`))) return;
  execFileSync('pnpm', ['--filter', `@mypay/${portal}`, 'build'], {
    cwd: REPO_ROOT,
    stdio: 'inherit',
    env: { ...process.env, NEXT_TELEMETRY_DISABLED: '1' },
  });
}

export interface RunningPortal {
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts the built portal the way the README and scripts/sandbox.sh do
 * (`pnpm --filter @mypay/<portal> start` with PORT and DATABASE_URL), in its own
 * process group so stop() ends pnpm and the server under it.
 */
export async function startPortal(portal: PortalName, env: Record<string, string> = {}): Promise<RunningPortal> {
  ensureBuilt(portal);
  const port = await freePort();
  const child = spawn('pnpm', ['--silent', '--filter', `@mypay/${portal}`, 'start'], {
    cwd: REPO_ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      NODE_ENV: 'test',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(port),
      HOST: '127.0.0.1',
      DATABASE_URL: testDatabaseUrl(),
      ...env,
    },
  });
  let output = '';
  child.stdout?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  child.stderr?.on('data', (b: Buffer) => {
    output += b.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {}
    }, 5_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${portal} exited early:\n${output}`);
    try {
      const res = await fetch(`${url}/login`);
      if (res.ok) return { url, stop };
    } catch {}
    await new Promise((r) => setTimeout(r, 200));
  }
  await stop();
  throw new Error(`${portal} did not answer within 60 s:\n${output}`);
}
