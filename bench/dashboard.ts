/**
 * `pnpm bench`, section 4: dashboard render — bench/dashboard-render.ts against the built merchant
 * portal (skipped when it is not built), its RSS sampled.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dbUrl, dropDatabase, log, median, pidsMatching, ROOT, RssSampler, round } from './lib.ts';
import type { Bench, BenchContext } from './report.ts';

function portalBuilt() {
  return existsSync(`${ROOT}apps/merchant-portal/.next/standalone/apps/merchant-portal/server.js`);
}

/** Processes started with this database in their environment and a command line matching `pattern`. */
function pidsWith(pattern: RegExp, envNeedle: string): number[] {
  return pidsMatching(pattern).filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/environ`, 'utf8').includes(envNeedle);
    } catch {
      return false;
    }
  });
}

async function renderOnce(quick: boolean): Promise<{
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  portalRssMb: number;
}> {
  const docs = `${ROOT}docs/performance.md`;
  const before = readFileSync(docs, 'utf8');
  const database = 'mypay_bench_runall_dashboard';
  const sampler = new RssSampler(new Map([['portal', () => pidsWith(/start\.mjs|server\.js/, database)]]));
  sampler.start();
  try {
    // Spawned, not execFileSync: the RSS sampler needs the event loop while it runs.
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/dashboard-render.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: dbUrl(database),
        REQUESTS: quick ? '20' : '60',
        WARMUP: '10',
        PAYOUTS: '300',
        NODE_OPTIONS: '',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    clearTimeout(timer);
    if (code !== 0) throw new Error(`bench/dashboard-render.ts exited with ${code}`);
  } finally {
    sampler.stop();
    // dashboard-render.ts rewrites its own section; the report keeps that section as its author left it.
    writeFileSync(docs, before);
  }
  const result = JSON.parse(readFileSync(`${ROOT}bench/results/dashboard-latest.json`, 'utf8')) as Record<
    string,
    number
  >;
  return {
    p50Ms: Number(result.p50Ms),
    p90Ms: Number(result.p90Ms),
    p99Ms: Number(result.p99Ms),
    maxMs: Number(result.maxMs),
    portalRssMb: sampler.max.get('portal') ?? 0,
  };
}

export interface DashboardResult {
  runs: Awaited<ReturnType<typeof renderOnce>>[];
  note: string;
}

export async function run(ctx: BenchContext): Promise<DashboardResult> {
  const runs: DashboardResult['runs'] = [];
  let note = '';
  if (ctx.skipDashboard) note = 'skipped (`--skip-dashboard`)';
  else if (!portalBuilt())
    note = 'skipped: the merchant portal is not built (`pnpm --filter @mypay/merchant-portal build`)';
  else {
    for (let r = 1; r <= ctx.runs; r++) {
      log(`dashboard render, run ${r}/${ctx.runs} (bench/dashboard-render.ts)`);
      try {
        runs.push(await renderOnce(ctx.quick));
      } catch (error) {
        note = `run ${r} failed: ${(error as Error).message.split('\n')[0]}`;
        break;
      }
    }
    await dropDatabase(dbUrl('mypay_bench_runall_dashboard')).catch(() => {});
  }
  return { runs, note };
}

export const bench: Bench<DashboardResult> = {
  name: 'dashboard',
  run,
  report({ runs, note }) {
    const lines = [
      '### Dashboard render (bench/dashboard-render.ts, built merchant portal, 300 payouts of history)',
      '',
    ];
    if (runs.length > 0) {
      lines.push(
        '| p50 ms | p90 ms | p99 ms | max ms | portal RSS MB (max) |',
        '|---|---|---|---|---|',
        `| ${round(median(runs.map((d) => d.p50Ms)), 1)} | ${round(median(runs.map((d) => d.p90Ms)), 1)} | ${round(median(runs.map((d) => d.p99Ms)), 1)} | ${round(median(runs.map((d) => d.maxMs)), 1)} | ${round(median(runs.map((d) => d.portalRssMb)))} |`,
      );
    }
    if (note) lines.push('', `Dashboard: ${note}.`);
    return lines;
  },
  memory({ runs }) {
    return runs.length > 0
      ? [{ process: 'merchant portal (Next.js)', maxMb: round(median(runs.map((d) => d.portalRssMb))) }]
      : [];
  },
};
