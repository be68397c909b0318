import { type ChildProcess, spawn } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { userInfo } from 'node:os';
import path from 'node:path';
import { freePort, REPO, run } from './ops.ts';

/** The project's nginx config rendered for a test domain and run unprivileged on high ports. */

export interface Upstreams {
  payoutApi: number;
  paymentApi: number;
  merchantPortal: number;
  adminPortal: number;
}

export interface RunningNginx {
  httpPort: number;
  httpsPort: number;
  domain: string;
  dir: string;
  certFile: string;
  stateDir: string;
  logDir: string;
  stop(): Promise<void>;
}

/** A self-signed certificate whose SANs are the three public hosts. */
export async function makeCertificate(dir: string, domain: string): Promise<{ cert: string; key: string }> {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  const hosts = ['sandbox', 'devportal', 'devadmin'].map((h) => `DNS:${h}.${domain}`).join(',');
  const result = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '2',
    '-subj',
    `/CN=sandbox.${domain}`,
    '-addext',
    `subjectAltName=${hosts}`,
    '-keyout',
    key,
    '-out',
    cert,
  ]);
  if (result.code !== 0) throw new Error(`openssl: ${result.stderr}`);
  return { cert, key };
}

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * Started as root, nginx runs its workers as `nobody`, who cannot read the repository's
 * nginx/static/maintenance.html (or write the test's temp dirs) when the clone sits in a
 * directory other users cannot enter (under /root, mode 0700, a mktemp -d folder). In tests the
 * workers run as the current user instead, so nothing depends on where the repository is. (Not
 * root, nginx cannot switch users and the workers already run as the current user.)
 */
function workerUserDirective(): string {
  if (process.getuid?.() !== 0) return '';
  return `user ${userInfo().username};`;
}

export async function startNginx(
  dir: string,
  domain: string,
  upstreams: Upstreams,
  extraEnv: Record<string, string> = {},
): Promise<RunningNginx> {
  const { cert, key } = await makeCertificate(dir, domain);
  const [httpPort, httpsPort] = [await freePort(), await freePort()];
  const env = {
    HTTP_PORT: String(httpPort),
    HTTPS_PORT: String(httpsPort),
    PAYOUT_API_UPSTREAM: `127.0.0.1:${upstreams.payoutApi}`,
    PAYMENT_API_UPSTREAM: `127.0.0.1:${upstreams.paymentApi}`,
    MERCHANT_PORTAL_UPSTREAM: `127.0.0.1:${upstreams.merchantPortal}`,
    ADMIN_PORTAL_UPSTREAM: `127.0.0.1:${upstreams.adminPortal}`,
    TLS_CERT: cert,
    TLS_KEY: key,
    OCSP_STAPLING: 'off',
    ACME_WEBROOT: path.join(dir, 'acme'),
    NGINX_LOG_DIR: path.join(dir, 'logs'),
    NGINX_RUN_DIR: path.join(dir, 'run'),
    NGINX_STATE_DIR: path.join(dir, 'state'),
    ...extraEnv,
  };
  const rendered = await run('sh', [path.join(REPO, 'nginx/render.sh'), domain, path.join(dir, 'conf')], { env });
  if (rendered.code !== 0) throw new Error(`render.sh: ${rendered.stderr}`);
  const conf = path.join(dir, 'conf', 'nginx.conf');
  const globals = workerUserDirective();
  const tested = await run('nginx', ['-t', '-p', dir, '-c', conf, ...(globals ? ['-g', globals] : [])]);
  if (tested.code !== 0) throw new Error(`nginx -t: ${tested.stderr}`);

  const child: ChildProcess = spawn('nginx', ['-p', dir, '-c', conf, '-g', `daemon off; ${globals}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  const deadline = Date.now() + 15_000;
  while (!((await portOpen(httpsPort)) && (await portOpen(httpPort)))) {
    if (child.exitCode !== null) throw new Error(`nginx exited: ${stderr}`);
    if (Date.now() > deadline) throw new Error(`nginx did not listen: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    httpPort,
    httpsPort,
    domain,
    dir,
    certFile: cert,
    stateDir: env.NGINX_STATE_DIR,
    logDir: env.NGINX_LOG_DIR,
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface CurlResponse {
  code: number;
  exitCode: number;
  headers: Record<string, string[]>;
  body: string;
  stderr: string;
}

/**
 * curl against nginx with --resolve, so each public host name reaches 127.0.0.1 and the
 * certificate is verified against the test CA (no -k).
 */
export async function curl(
  nginx: RunningNginx,
  url: string,
  options: { method?: string; headers?: Record<string, string>; dataFile?: string; extra?: string[] } = {},
): Promise<CurlResponse> {
  const { hostname, protocol } = new URL(url);
  const port = protocol === 'https:' ? nginx.httpsPort : nginx.httpPort;
  const headerFile = path.join(nginx.dir, `headers-${process.hrtime.bigint()}.txt`);
  const args = [
    '-sS',
    '--max-time',
    '20',
    '--cacert',
    nginx.certFile,
    '--resolve',
    `${hostname}:${port}:127.0.0.1`,
    '-D',
    headerFile,
    '-o',
    '-',
  ];
  if (options.method) args.push('-X', options.method);
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.dataFile) args.push('--data-binary', `@${options.dataFile}`, '-H', 'Content-Type: application/json');
  args.push(...(options.extra ?? []));
  const target = new URL(url);
  target.port = String(port);
  args.push(target.toString());
  const result = await run('curl', args);
  const headers: Record<string, string[]> = {};
  let code = 0;
  const raw = await readFile(headerFile, 'utf8').catch(() => '');
  for (const line of raw.split(/\r?\n/)) {
    const status = /^HTTP\/[\d.]+ (\d{3})/.exec(line);
    if (status) {
      code = Number(status[1]);
      continue;
    }
    const idx = line.indexOf(':');
    if (idx > 0) {
      const name = line.slice(0, idx).trim().toLowerCase();
      headers[name] = [...(headers[name] ?? []), line.slice(idx + 1).trim()];
    }
  }
  return { code, exitCode: result.code, headers, body: result.stdout, stderr: result.stderr };
}

/** The JSON access log lines nginx wrote for one host (e.g. "sandbox"). */
export async function accessLog(nginx: RunningNginx, host: string): Promise<Record<string, unknown>[]> {
  const text = await readFile(path.join(nginx.logDir, `${host}.access.log`), 'utf8').catch(() => '');
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

export async function writeBody(file: string, bytes: number): Promise<void> {
  await writeFile(file, Buffer.alloc(bytes, 0x61));
}
