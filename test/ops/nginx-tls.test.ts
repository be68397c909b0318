import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * OCSP stapling is a switch of nginx/render.sh, off by default (Let's Encrypt certificates no
 * longer name an OCSP responder): rendered both ways and checked with `nginx -t`.
 */
let dir: string;

beforeAll(async () => {
  dir = await tempDir('nginx-tls');
  const made = await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-days',
    '1',
    '-subj',
    '/CN=sandbox.tls.test',
    '-keyout',
    path.join(dir, 'key.pem'),
    '-out',
    path.join(dir, 'cert.pem'),
  ]);
  if (made.code !== 0) throw new Error(`openssl: ${made.stderr}`);
});
afterAll(() => removeDir(dir));

async function render(name: string, env: Record<string, string>) {
  const out = path.join(dir, name);
  const base = {
    TLS_CERT: path.join(dir, 'cert.pem'),
    TLS_KEY: path.join(dir, 'key.pem'),
    TLS_TRUSTED_CERT: path.join(dir, 'cert.pem'),
    PAYOUT_API_UPSTREAM: '127.0.0.1:9',
    PAYMENT_API_UPSTREAM: '127.0.0.1:9',
    MERCHANT_PORTAL_UPSTREAM: '127.0.0.1:9',
    ADMIN_PORTAL_UPSTREAM: '127.0.0.1:9',
    RESOLVER: '127.0.0.1',
    HTTP_PORT: '51580',
    HTTPS_PORT: '51543',
    ACME_WEBROOT: path.join(out, 'acme'),
    NGINX_LOG_DIR: path.join(out, 'logs'),
    NGINX_RUN_DIR: path.join(out, 'run'),
    NGINX_STATE_DIR: path.join(out, 'state'),
  };
  const rendered = await run('sh', [path.join(REPO, 'nginx/render.sh'), 'tls.test', path.join(out, 'conf')], {
    env: { ...base, ...env },
  });
  return { rendered, out, tls: rendered.code === 0 ? await readFile(path.join(out, 'conf', 'tls.conf'), 'utf8') : '' };
}

const nginxTest = (out: string) => run('nginx', ['-t', '-p', out, '-c', path.join(out, 'conf', 'nginx.conf')]);

describe('nginx OCSP stapling switch', () => {
  it('when OCSP_STAPLING is not set, then no ssl_stapling directive is rendered and the config is valid', async () => {
    const { rendered, out, tls } = await render('default', {});
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(tls).not.toMatch(/^\s*ssl_stapling/m);
    expect(tls).toContain('OCSP stapling off (the default)');
    const tested = await nginxTest(out);
    expect(tested.code, tested.stderr).toBe(0);
  });

  it('when OCSP_STAPLING=on, then stapling, its verification and the trusted chain are rendered and valid', async () => {
    const { rendered, out, tls } = await render('on', { OCSP_STAPLING: 'on' });
    expect(rendered.code, rendered.stderr).toBe(0);
    expect(tls).toMatch(/^ssl_stapling on;$/m);
    expect(tls).toMatch(/^ssl_stapling_verify on;$/m);
    expect(tls).toContain(`ssl_trusted_certificate ${path.join(dir, 'cert.pem')};`);
    const tested = await nginxTest(out);
    expect(tested.code, tested.stderr).toBe(0);
  });

  it('when OCSP_STAPLING is anything else, then render.sh refuses it', async () => {
    const { rendered } = await render('bad', { OCSP_STAPLING: 'yes' });
    expect(rendered.code).not.toBe(0);
    expect(rendered.stderr).toContain('OCSP_STAPLING must be on or off');
  });
});
