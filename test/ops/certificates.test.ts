import { chmod, copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * scripts/certificates.sh in Compose mode against the fake docker CLI: which certbot command it
 * runs in the certbot container, with which ACME directory, and the nginx reload after it.
 * test/ops/acme.test.ts runs the same script for real (local certbot, pebble, nginx).
 */

const script = path.join(REPO, 'scripts/certificates.sh');
let dir: string;

beforeEach(async () => {
  dir = await tempDir('certificates');
  await mkdir(path.join(dir, 'bin'));
  await mkdir(path.join(dir, 'state'));
  await copyFile(path.join(REPO, 'test/ops/fixtures/fake-docker.sh'), path.join(dir, 'bin', 'docker'));
  await chmod(path.join(dir, 'bin', 'docker'), 0o755);
  await writeFile(path.join(dir, '.env'), 'DOMAIN=mypay.test\n');
});

afterEach(async () => {
  await removeDir(dir);
});

async function certificates(args: string[], env: Record<string, string> = {}) {
  const res = await run(script, args, {
    env: {
      PATH: `${path.join(dir, 'bin')}:${process.env.PATH}`,
      FAKE_DOCKER_STATE: path.join(dir, 'state'),
      ENV_FILE: path.join(dir, '.env'),
      ACME_SERVER: '',
      ...env,
    },
  });
  const calls = (await readFile(path.join(dir, 'state', 'calls.log'), 'utf8').catch(() => '')).split('\n');
  return { ...res, calls };
}

const config = () => ['--config-dir', path.join(dir, 'letsencrypt')];

describe('scripts/certificates.sh (Compose mode, fake docker)', () => {
  it("when issuing with no ACME server set, then certbot asks Let's Encrypt production through the webroot and nginx reloads", async () => {
    const res = await certificates(['issue', '--domain', 'mypay.test', '--email', 'ops@example.com', ...config()]);
    expect(res.code, res.stderr).toBe(0);
    const certonly = res.calls.find((c) => c.includes(' certonly '));
    expect(certonly).toMatch(
      /run --rm --no-deps --entrypoint certbot certbot certonly --webroot -w \/var\/www\/certbot/,
    );
    expect(certonly).toContain('--server https://acme-v02.api.letsencrypt.org/directory');
    expect(certonly).toContain('-d sandbox.mypay.test -d devportal.mypay.test -d devadmin.mypay.test');
    expect(certonly).toContain('--email ops@example.com');
    const reload = res.calls.findIndex((c) =>
      /exec -T nginx nginx -c \/tmp\/nginx\/conf\/nginx.conf -s reload/.test(c),
    );
    expect(reload).toBeGreaterThan(res.calls.indexOf(certonly!));
  });

  it('when --staging or ACME_SERVER is given, then that directory is used', async () => {
    const staging = await certificates(['issue', '--domain', 'mypay.test', '--staging', ...config()]);
    expect(staging.calls.join('\n')).toContain('--server https://acme-staging-v02.api.letsencrypt.org/directory');
    const custom = await certificates(['issue', '--domain', 'mypay.test', ...config()], {
      ACME_SERVER: 'https://acme.internal.example/directory',
    });
    expect(custom.calls.join('\n')).toContain('--server https://acme.internal.example/directory');
  });

  it('when renewing with --force --now, then certbot renew forces it without the random delay, then nginx reloads', async () => {
    const res = await certificates(['renew', '--domain', 'mypay.test', '--force', '--now', ...config()]);
    expect(res.code, res.stderr).toBe(0);
    expect(res.calls.join('\n')).toMatch(
      /certbot renew --non-interactive --cert-name mypay --force-renewal --no-random-sleep-on-renew/,
    );
    expect(res.calls.join('\n')).toMatch(/-s reload/);
  });

  it('when the ACME server is not https or the domain is missing, then it refuses', async () => {
    expect((await certificates(['issue', '--domain', 'mypay.test', '--server', 'http://x/dir'])).code).toBe(2);
    expect((await certificates(['issue'])).code).toBe(2);
  });

  it('when a placeholder is asked for twice, then one self-signed certificate for the three hosts is written once', async () => {
    const first = await certificates(['placeholder', '--domain', 'mypay.test', ...config()]);
    expect(first.code, first.stderr).toBe(0);
    const pem = path.join(dir, 'letsencrypt/live/mypay/fullchain.pem');
    const text = (await run('openssl', ['x509', '-in', pem, '-noout', '-ext', 'subjectAltName'])).stdout;
    expect(text).toContain('DNS:sandbox.mypay.test, DNS:devportal.mypay.test, DNS:devadmin.mypay.test');
    const before = await readFile(pem, 'utf8');
    await certificates(['placeholder', '--domain', 'mypay.test', ...config()]);
    expect(await readFile(pem, 'utf8')).toBe(before);
  });
});
