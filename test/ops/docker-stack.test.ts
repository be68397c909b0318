import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, type RunResult, removeDir, run, tempDir } from './support/ops.ts';

/**
 * The container stack, built and run for real: scripts/stack-test.sh builds the project's
 * images from Dockerfile + docker-compose.yml (base images made on this machine, no
 * registry) and starts Compose project mypay-stacktest; then, over TLS through the nginx
 * container, the APIs and portals answer, and health-check.sh, rollback.sh and
 * deploy-production.sh do their jobs against the real containers.
 * Not to be confused with stack.test.ts: nginx in front of locally started processes.
 *
 * Runs where the engine can be installed and started (root, apt, Linux); elsewhere it is
 * skipped with the reason stack-test.sh gives. Vitest runs it after the rest of the suite
 * (vitest.config.ts, project docker-stack).
 */

const STACK_TEST = path.join(REPO, 'scripts/stack-test.sh');
const checked = spawnSync(STACK_TEST, ['check'], { encoding: 'utf8' });
const skipReason = checked.status === 0 ? '' : checked.stdout.trim() || checked.stderr.trim() || 'check failed';
if (skipReason) console.warn(`docker-stack.test.ts skipped: ${skipReason}`);

interface Stack {
  ca: string;
  env: string;
  payoutKey: string;
  bin: string;
  domain: string;
  httpPort: string;
  httpsPort: string;
  project: string;
}

let stack: Stack;
let tmp: string;
let isDown = false;
const timings: Record<string, number> = {};

function parseUp(stdout: string): Stack {
  const value = (name: string) => {
    const line = stdout.split('\n').find((l) => l.startsWith(`${name}: `));
    if (!line) throw new Error(`stack-test.sh up printed no ${name}: line\n${stdout}`);
    return line.slice(name.length + 2).trim();
  };
  return {
    ca: value('CA'),
    env: value('ENV'),
    payoutKey: value('PAYOUT_KEY'),
    bin: value('BIN'),
    domain: value('DOMAIN'),
    httpPort: value('HTTP_PORT'),
    httpsPort: value('HTTPS_PORT'),
    project: value('PROJECT'),
  };
}

/** Runs a command with the stack's docker CLI first on PATH; times it under `label`. */
async function timed(
  label: string,
  command: string,
  args: string[],
  env: Record<string, string> = {},
  timeoutMs = 600_000,
) {
  const started = Date.now();
  const res = await run(command, args, {
    env: { PATH: `${stack?.bin ? `${stack.bin}:` : ''}${process.env.PATH}`, ...env },
    timeoutMs,
  });
  timings[label] = Math.round((Date.now() - started) / 1000);
  return res;
}

const docker = (args: string[]) => timed('docker', 'docker', args, {}, 120_000);

function output(res: RunResult): string {
  return `${res.stdout}\n${res.stderr}`;
}

/** curl to a public host through the published nginx port, trusting the stack's CA. */
async function https(
  host: string,
  urlPath: string,
  options: { method?: string; headers?: string[]; body?: string } = {},
) {
  const name = `${host}.${stack.domain}`;
  const args = [
    '-sS',
    '--max-time',
    '20',
    '--cacert',
    stack.ca,
    '--resolve',
    `${name}:${stack.httpsPort}:127.0.0.1`,
    '-o',
    '-',
    '-w',
    '\n%{http_code}',
  ];
  if (options.method) args.push('-X', options.method);
  for (const header of options.headers ?? []) args.push('-H', header);
  if (options.body) args.push('-H', 'Content-Type: application/json', '--data-binary', options.body);
  args.push(`https://${name}:${stack.httpsPort}${urlPath}`);
  const res = await run('curl', args);
  const cut = res.stdout.lastIndexOf('\n');
  return {
    code: Number(res.stdout.slice(cut + 1)),
    body: res.stdout.slice(0, cut),
    curlExit: res.code,
    stderr: res.stderr,
  };
}

async function containerId(service: string): Promise<string> {
  const res = await docker([
    'ps',
    '-aq',
    '--filter',
    `label=com.docker.compose.project=${stack.project}`,
    '--filter',
    `label=com.docker.compose.service=${service}`,
  ]);
  const id = res.stdout.trim().split('\n')[0] ?? '';
  if (!id) throw new Error(`no ${service} container`);
  return id;
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`${what}: not within ${timeoutMs / 1000} s`);
}

async function healthOf(service: string): Promise<string> {
  const res = await docker([
    'inspect',
    '-f',
    '{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}',
    await containerId(service),
  ]);
  return res.stdout.trim();
}

function opsArgs(): string[] {
  return [
    '--env-file',
    stack.env,
    '--project',
    stack.project,
    '--resolve',
    '127.0.0.1',
    '--https-port',
    stack.httpsPort,
    '--cacert',
    stack.ca,
  ];
}

const opsEnv = () => ({ ROLLBACK_LOG_DIR: path.join(tmp, 'logs'), HEALTH_LOG_MAX_ERRORS: '1000' });

async function createPayout(reference: string) {
  return https('sandbox', '/api/v1/payouts', {
    method: 'POST',
    headers: [`Authorization: Bearer ${stack.payoutKey}`, `Idempotency-Key: stack-${reference}`],
    body: JSON.stringify({
      amount: 150_000,
      currency: 'PKR',
      reference,
      destination: { type: 'wallet', provider: 'JAZZCASH', accountNumber: '03000000002' },
    }),
  });
}

async function takeDown(): Promise<RunResult> {
  const res = await timed('down', STACK_TEST, ['down'], {}, 300_000);
  isDown = true;
  return res;
}

describe.skipIf(Boolean(skipReason))('the container stack (scripts/stack-test.sh)', () => {
  let payoutId = '';

  beforeAll(async () => {
    tmp = await tempDir('docker-stack');
    // Cold: installs the engine, makes base images and builds everything (minutes).
    const up = await timed('up', STACK_TEST, ['up'], {}, 30 * 60_000);
    if (up.code !== 0) throw new Error(`stack-test.sh up failed (${up.code}):\n${up.stderr.slice(-6000)}`);
    stack = parseUp(up.stdout);
    console.log(up.stdout.split('\n').find((l) => l.startsWith('TIMINGS:')));
  }, 31 * 60_000);

  afterAll(async () => {
    if (!isDown) await takeDown();
    console.log(`docker-stack timings (s): ${JSON.stringify(timings)}`);
    await removeDir(tmp);
  }, 300_000);

  it('when up returns, then every service is healthy, on images with honest local base names', async () => {
    expect(existsSync(stack.ca)).toBe(true);
    expect(readFileSync(stack.env, 'utf8')).toContain(`SEED_PAYOUT_API_KEY=${stack.payoutKey}`);
    for (const service of ['mysql', 'payout-api', 'payment-api', 'merchant-portal', 'admin-portal', 'nginx']) {
      expect(await healthOf(service), service).toBe('running healthy');
    }
    const images = await docker([
      'inspect',
      '-f',
      '{{.Config.Image}}',
      await containerId('mysql'),
      await containerId('payout-api'),
    ]);
    expect(images.stdout.trim().split('\n')).toEqual([
      'mypay-local/mariadb:10.11',
      `${stack.project}/payout-api:current`,
    ]);
    expect((await docker(['image', 'inspect', 'mysql:8.0'])).code).not.toBe(0);
    expect((await healthOf('migrate')).startsWith('exited')).toBe(true);
  });

  it('when the containers are inspected, then migrate kept no admin password and each app has only its own secrets', async () => {
    const envFile = readFileSync(stack.env, 'utf8');
    const envValue = (name: string) => new RegExp(`^${name}=(.*)$`, 'm').exec(envFile)![1]!;
    const envOf = async (service: string) =>
      JSON.parse(
        (await docker(['inspect', '-f', '{{json .Config.Env}}', await containerId(service)])).stdout,
      ) as string[];
    const migrate = await envOf('migrate');
    expect(migrate.some((e) => e.startsWith('SEED_ADMIN_PASSWORD='))).toBe(false);
    expect(migrate.join('\n')).not.toContain(envValue('SEED_ADMIN_PASSWORD'));
    expect(migrate).toContain('SEED_ADMIN_PASSWORD_FILE=/run/secrets/seed_admin_password');
    const secrets = ['MERCHANT_JWT_SECRET', 'ADMIN_JWT_SECRET', 'CHECKOUT_CSRF_SECRET'];
    const expected: Record<string, string[]> = {
      'payout-api': [],
      'payment-api': ['CHECKOUT_CSRF_SECRET'],
      'merchant-portal': ['MERCHANT_JWT_SECRET'],
      'admin-portal': ['ADMIN_JWT_SECRET'],
    };
    for (const [service, own] of Object.entries(expected)) {
      const env = (await envOf(service)).join('\n');
      expect(
        secrets.filter((name) => env.includes(envValue(name))),
        service,
      ).toEqual(own);
    }
  });

  it('when a payout is created on the sandbox host over TLS, then the Payout API behind nginx stores it', async () => {
    const created = await createPayout(`STACK-${Date.now()}`);
    expect(created.curlExit, created.stderr).toBe(0);
    expect(created.code, created.body).toBe(201);
    const payout = JSON.parse(created.body);
    expect(payout).toMatchObject({ amount: 150_000, currency: 'PKR', status: 'PENDING' });
    payoutId = payout.id;
    const fetched = await https('sandbox', `/api/v1/payouts/${payoutId}`, {
      headers: [`Authorization: Bearer ${stack.payoutKey}`],
    });
    expect(fetched.code).toBe(200);
    expect(JSON.parse(fetched.body).id).toBe(payoutId);
  });

  it("when the portals' login pages are requested, then both answer with their sign-in page", async () => {
    for (const host of ['devportal', 'devadmin']) {
      const page = await https(host, '/login');
      expect(page.code, host).toBe(200);
      expect(page.body, host).toMatch(/<title>Sign in/);
    }
    const anonymous = await https('devportal', '/');
    expect(anonymous.code).toBe(307);
  });

  it('when a public host is asked over plain HTTP, then nginx redirects to HTTPS', async () => {
    const res = await run('curl', [
      '-sS',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code} %{redirect_url}',
      '--resolve',
      `sandbox.${stack.domain}:${stack.httpPort}:127.0.0.1`,
      `http://sandbox.${stack.domain}:${stack.httpPort}/api/v1/payouts?limit=1`,
    ]);
    expect(res.stdout).toBe(`301 https://sandbox.${stack.domain}/api/v1/payouts?limit=1`);
  });

  it('when a container opens a connection beyond its Compose network, then the network rule drops it', async () => {
    const network = await docker([
      'inspect',
      '-f',
      '{{range .NetworkSettings.Networks}}{{.Gateway}}{{end}}',
      await containerId('payout-api'),
    ]);
    const gateway = network.stdout.trim();
    expect(gateway).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    // This machine's own address on the bridge: refused at once without the rule, silent with it.
    const js = `const s = require('node:net').connect(9, process.argv[1]);
      s.setTimeout(3000, () => { console.log('timeout'); process.exit(0); });
      s.on('connect', () => { console.log('connected'); process.exit(0); });
      s.on('error', (e) => { console.log(e.code); process.exit(0); });`;
    const res = await docker(['exec', await containerId('payout-api'), 'node', '-e', js, gateway]);
    expect(res.stdout.trim()).toBe('timeout');
    // …while the containers reach each other (the admin portal checks both APIs).
    const inside = await docker([
      'exec',
      await containerId('admin-portal'),
      'node',
      '-e',
      "fetch('http://payout-api:4001/health').then(async (r) => console.log(r.status))",
    ]);
    expect(inside.stdout.trim()).toBe('200');
  });

  it(
    'when the monitoring profile is started, then Prometheus scrapes every service inside the network and Alertmanager is ready',
    async () => {
      const mon = await timed('monitoring', STACK_TEST, ['monitoring'], {}, 20 * 60_000);
      expect(mon.code, mon.stderr.slice(-6000)).toBe(0);
      const urlOf = (name: string) =>
        mon.stdout
          .split('\n')
          .find((l) => l.startsWith(`${name}: `))!
          .slice(name.length + 2);
      const prometheus = urlOf('PROMETHEUS_URL');
      const query = async (promql: string) => {
        const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(promql)}`);
        const body = (await res.json()) as {
          data: { result: { metric: Record<string, string>; value: [number, string] }[] };
        };
        return body.data.result;
      };
      const jobs = ['payout-api', 'payment-api', 'merchant-portal', 'admin-portal', 'prometheus', 'alertmanager'];
      await waitFor(
        'every scrape target up',
        async () => {
          const up = await query('up');
          return jobs.every((job) => up.some((r) => r.metric.job === job && r.value[1] === '1'));
        },
        180_000,
      );
      // The payout created over TLS above is counted by the Payout API and scraped through the network.
      const created = await query('sum(mypay_payouts_created_total{job="payout-api"})');
      expect(Number(created[0]?.value[1])).toBeGreaterThanOrEqual(1);
      const alertmanagers = (await (await fetch(`${prometheus}/api/v1/alertmanagers`)).json()) as {
        data: { activeAlertmanagers: { url: string }[] };
      };
      expect(alertmanagers.data.activeAlertmanagers.map((a) => a.url)).toEqual([
        'http://alertmanager:9093/api/v2/alerts',
      ]);
      expect((await fetch(`${urlOf('ALERTMANAGER_URL')}/-/ready`)).status).toBe(200);
      // Stopped again: the operations tests below see the stack as production runs it by default.
      const removed = await docker([
        'rm',
        '-f',
        '-v',
        await containerId('prometheus'),
        await containerId('alertmanager'),
      ]);
      expect(removed.code, output(removed)).toBe(0);
    },
    25 * 60_000,
  );

  it('when health-check.sh runs against the stack, then it passes; with payment-api stopped it fails naming it', async () => {
    const green = await timed('health-check', path.join(REPO, 'scripts/health-check.sh'), opsArgs(), opsEnv());
    expect(green.code, output(green)).toBe(0);
    expect(green.stdout).toMatch(/RESULT: PASS/);
    expect(green.stdout).toMatch(/^https:\/\/sandbox\.\S+\s+PASS/m);

    await docker(['stop', await containerId('payment-api')]);
    const red = await timed('health-check-red', path.join(REPO, 'scripts/health-check.sh'), opsArgs(), opsEnv());
    expect(red.code).toBe(1);
    expect(red.stdout).toMatch(/^RESULT: FAIL — .*payment-api/m);
    expect(red.stdout).toMatch(/^payment-api container\s+FAIL\s+exited/m);

    await docker(['start', await containerId('payment-api')]);
    await waitFor(
      'payment-api healthy again',
      async () => (await healthOf('payment-api')) === 'running healthy',
      120_000,
    );
  }, 300_000);

  it('when rollback.sh --emergency runs, then every host answers 503 maintenance, also after nginx restarts', async () => {
    const emergency = await timed(
      'emergency',
      path.join(REPO, 'scripts/rollback.sh'),
      ['--emergency', '--yes', ...opsArgs()],
      opsEnv(),
    );
    expect(emergency.code, output(emergency)).toBe(0);
    expect((await healthOf('payout-api')).startsWith('exited')).toBe(true);

    const expectMaintenance = async () => {
      const api = await https('sandbox', '/api/v1/payouts');
      expect(api.code).toBe(503);
      expect(JSON.parse(api.body).error.code).toBe('MAINTENANCE');
      for (const host of ['devportal', 'devadmin']) {
        const portal = await https(host, '/login');
        expect(portal.code, host).toBe(503);
        expect(portal.body).toContain('under maintenance');
      }
    };
    await expectMaintenance();

    // nginx starts again with every app stopped (their names do not resolve now).
    await docker(['restart', await containerId('nginx')]);
    await waitFor(
      'nginx answering after its restart',
      async () => (await https('sandbox', '/health')).code !== 0,
      60_000,
    );
    await expectMaintenance();
    await waitFor(
      'nginx healthy after its restart',
      async () => (await healthOf('nginx')) === 'running healthy',
      60_000,
    );
    expect(await healthOf('nginx')).toBe('running healthy');
  }, 300_000);

  it('when rollback.sh --resume runs, then the stack is healthy again and serves the payout', async () => {
    const resume = await timed(
      'resume',
      path.join(REPO, 'scripts/rollback.sh'),
      ['--resume', '--yes', ...opsArgs()],
      opsEnv(),
    );
    expect(resume.code, output(resume)).toBe(0);
    expect(resume.stdout).toMatch(/RESULT: PASS/);
    const fetched = await https('sandbox', `/api/v1/payouts/${payoutId}`, {
      headers: [`Authorization: Bearer ${stack.payoutKey}`],
    });
    expect(fetched.code).toBe(200);
  }, 300_000);

  it('when deploy-production.sh builds a broken release, then it rolls back to the previous images by itself', async () => {
    const before = (await docker(['inspect', '-f', '{{.Image}}', await containerId('payout-api')])).stdout.trim();
    // The release under test: this checkout with a payout-api whose /health answers 500.
    const release = path.join(tmp, 'release');
    const files = (await run('git', ['ls-files', '-co', '--exclude-standard'])).stdout
      .split('\n')
      .filter((f) => f && existsSync(path.join(REPO, f)));
    await writeFile(path.join(tmp, 'files.txt'), `${files.join('\n')}\n`);
    const copied = await run('bash', [
      '-c',
      `mkdir -p "$1" && tar -cf - -T "$2" | tar -C "$1" -xf -`,
      'copy',
      release,
      path.join(tmp, 'files.txt'),
    ]);
    expect(copied.code, copied.stderr).toBe(0);
    await writeFile(
      path.join(release, 'services/payout-api/src/server.ts'),
      "// A deliberately broken release (test/ops/docker-stack.test.ts).\nimport { createServer } from 'node:http';\n" +
        "createServer((_req, res) => res.writeHead(500).end('broken release\\n')).listen(Number(process.env.PORT ?? 4001));\n",
    );

    const deploy = await timed(
      'deploy-broken',
      path.join(release, 'scripts/deploy-production.sh'),
      [
        '--env-file',
        stack.env,
        '--project',
        stack.project,
        '--no-pull',
        '--skip-certs',
        '--yes',
        '--https-port',
        stack.httpsPort,
        '--cacert',
        stack.ca,
      ],
      {
        BACKUP_DIR: path.join(tmp, 'backups'),
        DEPLOY_LOG_DIR: path.join(tmp, 'logs'),
        ROLLBACK_LOG_DIR: path.join(tmp, 'logs'),
        DEPLOY_HEALTH_TIMEOUT: '180',
        HEALTH_LOG_MAX_ERRORS: '1000',
      },
      900_000,
    );
    const log = output(deploy);
    expect(deploy.code, log.slice(-4000)).toBe(1);
    expect(log).toMatch(/tagged mypay-stacktest\/payout-api:rollback/);
    expect(log).toContain("deployment failed during 'start'");
    expect(log).toContain('rolled back: the previous release is running and healthy');

    const after = (await docker(['inspect', '-f', '{{.Image}}', await containerId('payout-api')])).stdout.trim();
    expect(after).toBe(before);
    expect(await healthOf('payout-api')).toBe('running healthy');
    const health = await https('sandbox', '/api/v1/health');
    expect(health.code, health.body).toBe(200);
    const fetched = await https('sandbox', `/api/v1/payouts/${payoutId}`, {
      headers: [`Authorization: Bearer ${stack.payoutKey}`],
    });
    expect(fetched.code).toBe(200);
  }, 900_000);

  it('when down runs, then the project, its volume, the network rule and the engine it started are gone', async () => {
    const stateDir = path.dirname(stack.env);
    const dockerdPid = existsSync(path.join(stateDir, 'dockerd.pid'))
      ? Number(readFileSync(path.join(stateDir, 'dockerd.pid'), 'utf8'))
      : 0;
    const down = await takeDown();
    expect(down.code, output(down)).toBe(0);
    const rules = await run('iptables', ['-S']);
    expect(rules.stdout).not.toContain('mypay-stacktest');
    expect(existsSync(`/var/lib/docker/volumes/${stack.project}_mysql_data`)).toBe(false);
    expect(existsSync(stateDir)).toBe(false);
    if (dockerdPid > 0) {
      expect(existsSync(`/proc/${dockerdPid}`), `dockerd ${dockerdPid} still runs`).toBe(false);
    } else {
      // An engine that was running before up stays; the project's containers are gone from it.
      const left = await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${stack.project}`]);
      expect(left.code).toBe(0);
      expect(left.stdout.trim()).toBe('');
    }
  }, 300_000);
});
