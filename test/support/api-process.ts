import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { waitUntil } from './wait.ts';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Starts an API's real server process (`services/<api>/src/server.ts` under tsx, NODE_ENV=test,
 * LOG_LEVEL=warn, `env` on top) on `port` and resolves once its `/health` answers 200. Its stderr
 * goes to the test's; the caller stops it.
 */
export async function startApiProcess(
  service: 'payout-api' | 'payment-api',
  port: number,
  env: Record<string, string>,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', `services/${service}/src/server.ts`], {
    cwd: REPO_ROOT,
    env: { ...process.env, NODE_ENV: 'test', PORT: String(port), LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await waitUntil(
      async () => {
        try {
          return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
        } catch {
          return false;
        }
      },
      { what: `${service} on ${port}`, timeoutMs: 120_000, intervalMs: 100 },
    );
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return child;
}
