import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, type RunningServer, removeDir, run, startStandIn, tempDir } from './support/ops.ts';

/**
 * health-check.sh's certificate expiry rule, on certificates made with openssl: valid for
 * 90 days passes, 5 days left warns (renewal has failed: certbot renews at 30), expired fails.
 * The apps are stand-ins: only the certificate rows matter here.
 */

const script = path.join(REPO, 'scripts/health-check.sh');
let dir: string;
let standIns: RunningServer[] = [];

async function openssl(args: string[], cwd = dir): Promise<void> {
  const res = await run('openssl', args, { cwd });
  if (res.code !== 0) throw new Error(`openssl ${args[0]}: ${res.stderr}`);
}

/** A self-signed certificate valid from `start` to `end` (openssl ca takes explicit dates). */
async function certificate(name: string, start: Date, end: Date): Promise<string> {
  const ca = path.join(dir, `ca-${name}`);
  await mkdir(ca, { recursive: true });
  await writeFile(path.join(ca, 'index.txt'), '');
  await writeFile(path.join(ca, 'serial'), '01\n');
  await writeFile(
    path.join(ca, 'ca.cnf'),
    '[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial\ndefault_md = sha256\npolicy = any\nunique_subject = no\n[any]\ncommonName = supplied\n',
  );
  const stamp = (d: Date) => `${d.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
  await openssl(
    [
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-subj',
      `/CN=${name}.mypay.test`,
      '-keyout',
      'key.pem',
      '-out',
      'req.csr',
    ],
    ca,
  );
  await openssl(
    [
      'ca',
      '-batch',
      '-config',
      'ca.cnf',
      '-selfsign',
      '-keyfile',
      'key.pem',
      '-in',
      'req.csr',
      '-startdate',
      stamp(start),
      '-enddate',
      stamp(end),
      '-out',
      'cert.pem',
    ],
    ca,
  );
  return path.join(ca, 'cert.pem');
}

const DAY = 86_400_000;
const now = Date.now();

beforeAll(async () => {
  dir = await tempDir('health-certs');
  standIns = await Promise.all([
    startStandIn('payout-api', 'api'),
    startStandIn('payment-api', 'api'),
    startStandIn('merchant-portal', 'portal'),
    startStandIn('admin-portal', 'portal'),
  ]);
}, 60_000);

afterAll(async () => {
  await Promise.all(standIns.map((s) => s.stop()));
  await removeDir(dir);
});

async function healthCheck(certs: string[]) {
  const res = await run(script, ['--local', '--json', ...certs.flatMap((c) => ['--cert', c])], {
    env: {
      PAYOUT_API_URL: standIns[0]!.url,
      PAYMENT_API_URL: standIns[1]!.url,
      MERCHANT_PORTAL_URL: standIns[2]!.url,
      ADMIN_PORTAL_URL: standIns[3]!.url,
      DATABASE_URL: process.env.DATABASE_URL ?? 'mysql://root@127.0.0.1:3306/mypay_test',
      HEALTH_LOG_DIR: path.join(dir, 'no-logs'),
      HEALTH_DISK_MIN_FREE_MB: '64',
      HEALTH_MEM_MIN_AVAILABLE_MB: '32',
    },
  });
  const report = JSON.parse(res.stdout) as {
    ok: boolean;
    failed: string[];
    checks: { component: string; status: string; detail: string }[];
  };
  return {
    code: res.code,
    report,
    row: (file: string) => report.checks.find((c) => c.component === `certificate ${file}`),
  };
}

describe('health-check.sh --cert', () => {
  it('when a certificate has 90 days left, then its row passes and the run exits 0', async () => {
    const cert = await certificate('fresh', new Date(now - DAY), new Date(now + 90 * DAY));
    const { code, row } = await healthCheck([cert]);
    expect(row(cert)).toMatchObject({ status: 'PASS', detail: expect.stringMatching(/^valid for (89|90) more days$/) });
    expect(code).toBe(0);
  });

  it('when a certificate expires within 14 days, then it warns (renewal is failing) and the run still exits 0', async () => {
    const cert = await certificate('soon', new Date(now - 80 * DAY), new Date(now + 5 * DAY + 3_600_000));
    const { code, report, row } = await healthCheck([cert]);
    expect(row(cert)).toMatchObject({ status: 'WARN', detail: expect.stringMatching(/^expires in 5 days/) });
    expect(report.ok).toBe(true);
    expect(code).toBe(0);
  });

  it('when a certificate has expired, then it fails, is named in failed, and the run exits 1', async () => {
    const cert = await certificate('expired', new Date(now - 100 * DAY), new Date(now - 2 * DAY - 3_600_000));
    const { code, report, row } = await healthCheck([cert]);
    expect(row(cert)).toMatchObject({ status: 'FAIL', detail: expect.stringMatching(/^expired 2 days ago/) });
    expect(report.failed).toEqual([`certificate ${cert}`]);
    expect(code).toBe(1);
  });

  it('when the file is not a certificate, then it fails', async () => {
    const junk = path.join(dir, 'junk.pem');
    await writeFile(junk, 'not a certificate\n');
    const { code, row } = await healthCheck([junk]);
    expect(row(junk)).toMatchObject({ status: 'FAIL', detail: 'not a readable PEM certificate' });
    expect(code).toBe(1);
  });
});
