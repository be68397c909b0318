import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBuilt, testDatabaseUrl } from '../support/portal-server.ts';
import { freePort, REPO } from './support/ops.ts';

/**
 * scripts/sandbox.sh for real, the way a developer runs it (on non-default ports, its own
 * database): it serves all four processes with the public URLs following the ports, and SIGTERM
 * (or Ctrl-C) ends every process it started within 10 s with exit code 0 — no orphan left behind.
 * Three rounds, since an orphan showed up in two of three tries before; the time each stop took
 * is printed.
 */

/** Round 2 is Ctrl-C: SIGINT to the terminal's whole foreground process group. */
const ROUNDS: { signal: NodeJS.Signals; toGroup: boolean; label: string }[] = [
  { signal: 'SIGTERM', toGroup: false, label: 'SIGTERM' },
  { signal: 'SIGINT', toGroup: true, label: 'Ctrl-C (SIGINT to its process group)' },
  { signal: 'SIGTERM', toGroup: false, label: 'SIGTERM' },
];
const STOP_WITHIN_MS = 10_000;

const sandboxDatabaseUrl = () => `${testDatabaseUrl().split('?')[0]}_sbx`;

interface Proc {
  pid: number;
  ppid: number;
  sid: number;
  stat: string;
  args: string;
}

function processTable(): Proc[] {
  const out = execFileSync('ps', ['-e', '-o', 'pid=,ppid=,sid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => {
      const [pid, ppid, sid, stat, ...args] = line.trim().split(/\s+/);
      return { pid: Number(pid), ppid: Number(ppid), sid: Number(sid), stat: stat ?? '', args: args.join(' ') };
    });
}

/** Every live process below `root` (children, grandchildren, …). */
function descendants(root: number): Proc[] {
  const table = processTable();
  const found: Proc[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    for (const proc of table) {
      if (proc.ppid === parent && !proc.stat.startsWith('Z')) {
        found.push(proc);
        queue.push(proc.pid);
      }
    }
  }
  return found;
}

/** Processes still alive among `pids`, or in one of their sessions (what an orphan would keep). */
function survivors(known: Proc[]): Proc[] {
  const pids = new Set(known.map((p) => p.pid));
  const sessions = new Set(known.map((p) => p.sid));
  return processTable().filter((p) => !p.stat.startsWith('Z') && (pids.has(p.pid) || sessions.has(p.sid)));
}

async function answers(url: string): Promise<number> {
  try {
    const res = await fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    return res.status;
  } catch {
    return 0;
  }
}

beforeAll(() => {
  ensureBuilt('merchant-portal');
  ensureBuilt('admin-portal');
}, 900_000);

afterAll(() => {
  const name = sandboxDatabaseUrl().split('/').pop();
  execFileSync('mysql', ['-h', '127.0.0.1', '-u', 'root', '-e', `DROP DATABASE IF EXISTS \`${name}\``]);
});

describe('scripts/sandbox.sh', () => {
  for (const [index, round] of ROUNDS.entries()) {
    it(`round ${index + 1}: when it serves on non-default ports and gets ${round.label}, then every child is gone within 10 s and it exits 0`, async () => {
      const ports = {
        PAYOUT_PORT: await freePort(),
        PAYMENT_PORT: await freePort(),
        MERCHANT_PORTAL_PORT: await freePort(),
        ADMIN_PORTAL_PORT: await freePort(),
      };
      let output = '';
      const child: ChildProcess = spawn(path.join(REPO, 'scripts/sandbox.sh'), ['--no-install', '--no-build'], {
        cwd: REPO,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          ...process.env,
          ...Object.fromEntries(Object.entries(ports).map(([k, v]) => [k, String(v)])),
          NODE_ENV: 'development',
          DATABASE_URL: sandboxDatabaseUrl(),
          SEED_ALL_API_KEY: 'sandbox-test-all-key-0123456789',
          // Set by the test run; the sandbox must derive its own from the ports.
          PUBLIC_SANDBOX_URL: '',
          PUBLIC_PAYOUT_API_URL: '',
          PAYOUT_API_URL: '',
          PAYMENT_API_URL: '',
        },
      });
      for (const stream of [child.stdout, child.stderr]) {
        stream?.on('data', (chunk: Buffer) => {
          output += chunk.toString();
        });
      }
      const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
        child.once('exit', (code, signal) => resolve({ code, signal })),
      );
      const pid = child.pid!;
      let tree: Proc[] = [];
      try {
        const base = {
          payout: `http://127.0.0.1:${ports.PAYOUT_PORT}`,
          payment: `http://127.0.0.1:${ports.PAYMENT_PORT}`,
          merchant: `http://127.0.0.1:${ports.MERCHANT_PORTAL_PORT}`,
          admin: `http://127.0.0.1:${ports.ADMIN_PORTAL_PORT}`,
        };
        await expect
          .poll(
            async () => {
              if (child.exitCode !== null) throw new Error(`sandbox.sh exited early:\n${output.slice(-3000)}`);
              return [
                await answers(`${base.payout}/api/v1/health`),
                await answers(`${base.payment}/health`),
                await answers(`${base.merchant}/login`),
                await answers(`${base.admin}/login`),
              ];
            },
            { timeout: 240_000, interval: 500 },
          )
          .toEqual([200, 200, 200, 200]);

        // The public URLs follow the ports.
        const payoutDoc = (await (await fetch(`${base.payout}/api/v1/openapi.json`)).json()) as {
          servers: { url: string }[];
        };
        expect(payoutDoc.servers[0]?.url).toContain(base.payout);
        const paymentDoc = (await (await fetch(`${base.payment}/openapi.json`)).json()) as {
          servers: { url: string }[];
        };
        expect(paymentDoc.servers[0]?.url).toContain(base.payment);
        expect(output).toContain(`${base.payout}/api/v1/docs`);

        tree = descendants(pid);
        // pnpm, the node servers under it and the log prefixers, for four services.
        expect(tree.filter((p) => /node/.test(p.args)).length).toBeGreaterThanOrEqual(4);

        const sent = Date.now();
        process.kill(round.toGroup ? -pid : pid, round.signal);
        const result = await Promise.race([
          exited,
          new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), STOP_WITHIN_MS + 2_000)),
        ]);
        expect(result, `sandbox.sh did not exit:\n${output.slice(-3000)}`).not.toBe('timeout');
        expect(result).toEqual({ code: 0, signal: null });
        await expect.poll(() => survivors(tree).map((p) => `${p.pid} ${p.args}`), { timeout: 1_000 }).toEqual([]);
        const took = Date.now() - sent;
        console.log(`sandbox.sh stopped every child ${took} ms after ${round.label}`);
        expect(took).toBeLessThan(STOP_WITHIN_MS);
        for (const url of Object.values(base)) expect(await answers(url)).toBe(0);
        expect(output).toContain('stopped');
      } finally {
        if (child.exitCode === null) {
          try {
            process.kill(-pid, 'SIGKILL');
          } catch {}
        }
        for (const proc of survivors(tree)) {
          try {
            process.kill(proc.pid, 'SIGKILL');
          } catch {}
        }
      }
    }, 300_000);
  }
});
