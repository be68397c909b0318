/**
 * `pnpm bench`: the side-by-side benchmark report. Runs the benches of the registry below one after
 * another on this machine, each bounded in time (~10 minutes on a loaded 2-core box; `--quick` ~3):
 *
 *  - payouts   — payout create through the API (one process and two) vs the API's statements and
 *                the minimal write set (bench/payouts.ts);
 *  - load      — how cost grows with load, next to Mockoon; webhook latency (bench/load.ts);
 *  - request-log — payout create with the request log on vs off (bench/request-log.ts);
 *  - dashboard — dashboard render of the built merchant portal (bench/dashboard.ts);
 *
 * then bench/report.ts writes its section of docs/performance.md (between the run-all markers; the
 * other sections are left as their authors wrote them), docs/images/bench-run-all.svg and
 * bench/results/run-all-latest.json. A new bench is a module exporting a `Bench` (run + report),
 * added to BENCHES. Databases: mypay_bench_runall* on the local MariaDB, dropped and recreated.
 *
 *   pnpm bench [--quick] [--runs 3] [--skip-dashboard] [--only payouts,load]
 */
import { parseArgs } from 'node:util';
import { bench as dashboard } from './dashboard.ts';
import { log, machine, started } from './lib.ts';
import { bench as load } from './load.ts';
import { bench as payouts } from './payouts.ts';
import { type Bench, type BenchContext, buildReport, type Measured, writeArtifacts } from './report.ts';
import { bench as requestLog } from './request-log.ts';

/** Every bench of the report, in the order they run and appear. */
export const BENCHES: Bench<never>[] = [payouts, requestLog, load, dashboard] as Bench<never>[];

async function main() {
  const { values } = parseArgs({
    // `pnpm bench -- --quick` hands the separator through.
    args: process.argv.slice(2).filter((arg) => arg !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      'skip-dashboard': { type: 'boolean', default: false },
      only: { type: 'string' },
    },
  });
  const ctx: BenchContext = {
    quick: values.quick,
    runs: Number(values.runs ?? (values.quick ? 1 : 3)),
    skipDashboard: values['skip-dashboard'],
  };
  const only = values.only ? new Set(values.only.split(',')) : null;
  const m = machine();
  const loadAtStart = m.loadAverage();
  log(`machine: ${m.cpus} CPUs, ${m.ramGiB} GiB, load ${loadAtStart}; ${ctx.runs} run(s) each`);
  const measured: Measured[] = [];
  for (const bench of BENCHES) {
    if (only && !only.has(bench.name)) continue;
    log(`bench ${bench.name}`);
    measured.push({ bench: bench as Bench, result: await bench.run(ctx) });
  }
  const elapsedMin = (Date.now() - started) / 60_000;
  const loadAtEnd = m.loadAverage();
  const markdown = buildReport(measured, ctx, { machine: m, loadAtStart, loadAtEnd, elapsedMin });
  writeArtifacts(measured, ctx, markdown, {
    at: new Date().toISOString(),
    machine: { ...m, loadAtStart, loadAtEnd },
  });
  log(`done in ${elapsedMin.toFixed(1)} min; docs/performance.md and docs/images/bench-run-all.svg updated`);
}

main().catch((error) => {
  process.stderr.write(`bench failed: ${(error as Error).stack}\n`);
  process.exit(1);
});
