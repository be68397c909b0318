import { type ChildProcess, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { curl, type RunningNginx, startNginx } from './support/nginx.ts';
import {
  ensureDebianPackages,
  freePort,
  pollFor,
  REPO,
  type RunningServer,
  removeDir,
  run,
  startStandIn,
  tempDir,
} from './support/ops.ts';

/**
 * ACME for real, on loopback: Debian's pebble is the CA and pebble-challtestsrv its DNS (every
 * name → 127.0.0.1), so pebble's HTTP-01 validation really fetches
 * http://sandbox.mypay.test:<port>/.well-known/acme-challenge/<token> from the project's nginx,
 * which serves the token certbot wrote into the webroot. scripts/certificates.sh (what
 * deploy-production.sh and the renewal loop run) drives certbot; no "always valid" shortcut.
 * Then: nginx reloads onto the certificate while a stream of requests runs, the served chain
 * verifies against pebble's root (from its management endpoint), and a forced renewal is served
 * with a new serial.
 */

const DOMAIN = 'mypay.test';
const HOSTS = ['sandbox', 'devportal', 'devadmin'].map((h) => `${h}.${DOMAIN}`);
const SCRIPT = path.join(REPO, 'scripts/certificates.sh');

let dir: string;
let nginx: RunningNginx;
let standIns: RunningServer[] = [];
const children: ChildProcess[] = [];
let pebbleUrl: string;
let pebbleManagement: string;
let caFile: string;
let liveDir: string;
let certbotEnv: Record<string, string>;

async function openssl(args: string[]): Promise<string> {
  const res = await run('openssl', args);
  if (res.code !== 0) throw new Error(`openssl ${args[0]}: ${res.stderr}`);
  return res.stdout;
}

/** A CA and a certificate for 127.0.0.1/localhost signed by it: pebble's own HTTPS (the Debian package ships none). */
async function makePebbleTls(): Promise<{ ca: string; cert: string; key: string }> {
  const ca = path.join(dir, 'pebble-ca.pem');
  const caKey = path.join(dir, 'pebble-ca.key');
  const cert = path.join(dir, 'pebble.pem');
  const key = path.join(dir, 'pebble.key');
  await openssl([
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    '/CN=pebble test CA',
    '-keyout',
    caKey,
    '-out',
    ca,
  ]);
  const csr = path.join(dir, 'pebble.csr');
  await openssl(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=localhost', '-keyout', key, '-out', csr]);
  const ext = path.join(dir, 'pebble.ext');
  await writeFile(ext, 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await openssl([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    ca,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '2',
    '-extfile',
    ext,
    '-out',
    cert,
  ]);
  return { ca, cert, key };
}

function startChild(command: string, args: string[], env: Record<string, string> = {}): { log: () => string } {
  let log = '';
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout?.on('data', (c) => {
    log += c;
  });
  child.stderr?.on('data', (c) => {
    log += c;
  });
  children.push(child);
  return { log: () => log };
}

/** The certificate nginx serves for `host`, and whether it verifies against `ca`. */
function servedCertificate(host: string, ca: string): Promise<{ serial: string; authorized: boolean; error?: string }> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect(
      { host: '127.0.0.1', port: nginx.httpsPort, servername: host, ca, rejectUnauthorized: false },
      () => {
        const cert = socket.getPeerCertificate();
        resolve({
          serial: cert.serialNumber,
          authorized: socket.authorized,
          error: socket.authorizationError ? String(socket.authorizationError) : undefined,
        });
        socket.end();
      },
    );
    socket.once('error', reject);
  });
}

/** Requests on new connections, one after another, until stopped; counts answers and errors. */
function requestStream() {
  let stopped = false;
  const errors: string[] = [];
  let ok = 0;
  const done = (async () => {
    while (!stopped) {
      // HTTP/1.1, as the SDK and CLI speak it. (An HTTP/2 connection that an old worker accepted gets
      // GOAWAY on the reload, which clients answer by retrying on a new connection: RFC 9113 §6.8.)
      const res = await curl(nginx, `https://sandbox.${DOMAIN}/health`, { extra: ['-k', '--http1.1'] });
      if (res.exitCode === 0 && res.code === 200) ok++;
      else errors.push(`exit ${res.exitCode} status ${res.code}: ${res.stderr.trim()}`);
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return { ok, errors };
    },
  };
}

function certificates(command: string, extra: string[] = []) {
  return run(
    SCRIPT,
    [
      command,
      '--domain',
      DOMAIN,
      '--certbot',
      'local',
      '--config-dir',
      path.join(dir, 'letsencrypt'),
      '--webroot',
      path.join(dir, 'www'),
      '--server',
      `${pebbleUrl}/dir`,
      '--reload',
      `nginx -p ${dir} -c ${path.join(dir, 'conf', 'nginx.conf')} -s reload`,
      ...extra,
    ],
    { env: certbotEnv, timeoutMs: 180_000 },
  );
}

beforeAll(async () => {
  await ensureDebianPackages('pebble', 'certbot');
  dir = await tempDir('acme');
  liveDir = path.join(dir, 'letsencrypt/live/mypay');
  await mkdir(path.join(dir, 'www'), { recursive: true });
  await chmod(path.join(dir, 'www'), 0o755);
  const tls = await makePebbleTls();
  caFile = tls.ca;

  // nginx starts on the self-signed placeholder, as on a first deployment.
  const placeholder = await run(SCRIPT, [
    'placeholder',
    '--domain',
    DOMAIN,
    '--certbot',
    'local',
    '--config-dir',
    path.join(dir, 'letsencrypt'),
  ]);
  expect(placeholder.code, placeholder.stderr).toBe(0);
  standIns = await Promise.all([
    startStandIn('payout-api', 'api'),
    startStandIn('payment-api', 'api'),
    startStandIn('merchant-portal', 'portal'),
    startStandIn('admin-portal', 'portal'),
  ]);
  nginx = await startNginx(
    dir,
    DOMAIN,
    {
      payoutApi: standIns[0]!.port,
      paymentApi: standIns[1]!.port,
      merchantPortal: standIns[2]!.port,
      adminPortal: standIns[3]!.port,
    },
    {
      TLS_CERT: path.join(liveDir, 'fullchain.pem'),
      TLS_KEY: path.join(liveDir, 'privkey.pem'),
      ACME_WEBROOT: path.join(dir, 'www'),
    },
  );

  // DNS for pebble: every name answers 127.0.0.1 (A only: nginx listens on IPv4).
  const [dnsPort, challMgmt, pebblePort, pebbleMgmt, tlsPort] = await Promise.all(
    Array.from({ length: 5 }, () => freePort()),
  );
  const chall = startChild('pebble-challtestsrv', [
    '-dns01',
    `127.0.0.1:${dnsPort}`,
    '-http01',
    '',
    '-https01',
    '',
    '-tlsalpn01',
    '',
    '-management',
    `127.0.0.1:${challMgmt}`,
    '-defaultIPv4',
    '127.0.0.1',
    '-defaultIPv6',
    '',
  ]);
  await pollFor(
    async () => (await fetch(`http://127.0.0.1:${challMgmt}/`).catch(() => null)) !== null,
    `pebble-challtestsrv\n${chall.log()}`,
    30_000,
  );

  const config = path.join(dir, 'pebble-config.json');
  await writeFile(
    config,
    JSON.stringify({
      pebble: {
        listenAddress: `127.0.0.1:${pebblePort}`,
        managementListenAddress: `127.0.0.1:${pebbleMgmt}`,
        certificate: tls.cert,
        privateKey: tls.key,
        // The HTTP-01 validation goes to this port: our nginx's plain-HTTP listener.
        httpPort: nginx.httpPort,
        tlsPort,
        ocspResponderURL: '',
        externalAccountBindingRequired: false,
      },
    }),
  );
  pebbleUrl = `https://127.0.0.1:${pebblePort}`;
  pebbleManagement = `https://127.0.0.1:${pebbleMgmt}`;
  const pebble = startChild('pebble', ['-config', config, '-dnsserver', `127.0.0.1:${dnsPort}`], {
    PEBBLE_VA_NOSLEEP: '1',
    PEBBLE_WFE_NONCEREJECT: '0',
  });
  await pollFor(
    async () => (await run('curl', ['-sS', '--cacert', caFile, `${pebbleUrl}/dir`])).code === 0,
    `pebble\n${pebble.log()}`,
    30_000,
  );
  certbotEnv = { REQUESTS_CA_BUNDLE: caFile };
}, 240_000);

afterAll(async () => {
  await nginx?.stop();
  for (const child of children) {
    if (child.exitCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    }
  }
  await Promise.all(standIns.map((s) => s.stop()));
  await removeDir(dir);
}, 60_000);

async function pebbleRoot(): Promise<string> {
  const res = await run('curl', ['-sS', '--fail', '--cacert', caFile, `${pebbleManagement}/roots/0`]);
  expect(res.code, res.stderr).toBe(0);
  expect(res.stdout).toContain('BEGIN CERTIFICATE');
  return res.stdout;
}

describe('ACME issuance and renewal through nginx (pebble on loopback)', () => {
  let issuedSerial: string;

  it('when the certificate is issued, then HTTP-01 is answered by nginx and the reload drops no request', {
    timeout: 180_000,
  }, async () => {
    const before = await servedCertificate(`sandbox.${DOMAIN}`, await pebbleRoot());
    expect(before.authorized).toBe(false); // the self-signed placeholder

    const stream = requestStream();
    const issued = await certificates('issue');
    // A few more requests after the reload, on the new certificate.
    await pollFor(
      async () => (await servedCertificate(`sandbox.${DOMAIN}`, await pebbleRoot())).authorized,
      'new certificate served',
      15_000,
    );
    const { ok, errors } = await stream.stop();
    expect(issued.code, issued.stdout + issued.stderr).toBe(0);
    expect(errors).toEqual([]);
    expect(ok).toBeGreaterThan(5);

    // pebble fetched each host's token from nginx over plain HTTP.
    const log = await readFile(path.join(nginx.logDir, 'http.access.log'), 'utf8');
    for (const host of HOSTS) {
      expect(log).toMatch(
        new RegExp(`"host":"${host.replace(/\./g, '\\.')}".*"uri":"/\\.well-known/acme-challenge/[^"]+","status":200`),
      );
    }
    expect(await readFile(path.join(dir, 'letsencrypt/renewal/mypay.conf'), 'utf8')).toContain(`${pebbleUrl}/dir`);
  });

  it("when the served chain is checked against pebble's root, then every host verifies", async () => {
    const root = path.join(dir, 'pebble-root.pem');
    await writeFile(root, await pebbleRoot());
    for (const host of HOSTS) {
      const res = await curl({ ...nginx, certFile: root }, `https://${host}/`);
      expect(res.exitCode, `${host}: ${res.stderr}`).toBe(0);
      const served = await servedCertificate(host, await readFile(root, 'utf8'));
      expect(served.authorized, served.error).toBe(true);
      issuedSerial ??= served.serial;
      expect(served.serial).toBe(issuedSerial);
    }
  });

  it('when the certificate is renewed (forced), then nginx serves the new one with a new serial', {
    timeout: 180_000,
  }, async () => {
    const renewed = await certificates('renew', ['--force', '--now']);
    expect(renewed.code, renewed.stdout + renewed.stderr).toBe(0);
    const root = await pebbleRoot();
    const served = await pollFor(
      async () => {
        const cert = await servedCertificate(`sandbox.${DOMAIN}`, root);
        return cert.serial !== issuedSerial ? cert : null;
      },
      'renewed certificate served',
      15_000,
    );
    expect(served.authorized, served.error).toBe(true);
  });
});
