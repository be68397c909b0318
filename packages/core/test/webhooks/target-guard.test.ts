import type { LookupAddress } from 'node:dns';
import { describe, expect, it } from 'vitest';
import { AppError, assertAllowedTarget, guardedLookup, isBlockedAddress, sendWebhook } from '../../src/index.ts';

const refused = async (url: string, resolve?: (host: string) => Promise<string[]>) => {
  const error = await assertAllowedTarget(url, { allowPrivateTargets: false, resolve }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error, url).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('VALIDATION_ERROR');
  return error as AppError;
};

describe('SSRF guard', () => {
  it.each([
    '127.0.0.1',
    '127.9.9.9',
    '10.0.0.1',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '169.254.1.1',
    '100.64.0.1',
    '0.0.0.0',
    '::1',
    '::',
    'fc00::1',
    'fd12:3456::1',
    'fe80::1',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    '64:ff9b::a9fe:a9fe',
    '2002:7f00:1::1',
    // IPv4-compatible (::/96), mapped (::ffff:0:0/96, public IPv4 inside too), local NAT64, site-local.
    '::127.0.0.1',
    '::7f00:1',
    '::a9fe:a9fe',
    '::8.8.8.8',
    '::ffff:8.8.8.8',
    '::ffff:0:0',
    '64:ff9b:1::1',
    '64:ff9b:1:ffff::a00:1',
    'fec0::1',
    'feff::1',
    '100::1',
    '2001:db8::1',
  ])('when the address is %s, then it is blocked', (address) => {
    expect(isBlockedAddress(address)).toBe(true);
  });

  it.each([
    '8.8.8.8',
    '93.184.215.14',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700::1111',
    '64:ff9b::808:808',
    '2001:4860::8888',
  ])('when the address is public (%s), then it is allowed', (address) => {
    expect(isBlockedAddress(address)).toBe(false);
  });

  it('when private targets are not allowed, then loopback, metadata and private URLs are refused at registration', async () => {
    await refused('http://127.0.0.1:8080/hook');
    const metadata = await refused('http://169.254.169.254/latest/meta-data/');
    expect(metadata.details?.[0]?.field).toBe('url');
    await refused('http://10.0.0.1/hook');
    await refused('http://[::1]:3000/hook');
    await refused('http://localhost:3000/hook');
  });

  it('when a host name resolves to a private address, then it is refused after DNS', async () => {
    const error = await refused('https://hooks.example.com/x', async () => ['93.184.215.14', '10.1.2.3']);
    expect(error.details?.[0]?.message).toContain('10.1.2.3');
  });

  it('when a host name does not resolve, then it is refused', async () => {
    await refused('https://nope.invalid/x', async () => {
      throw Object.assign(new Error('ENOTFOUND'), { code: 'ENOTFOUND' });
    });
  });

  it('when the URL is public, or private targets are allowed, then it is accepted', async () => {
    await expect(
      assertAllowedTarget('https://hooks.example.com/x', {
        allowPrivateTargets: false,
        resolve: async () => ['93.184.215.14'],
      }),
    ).resolves.toBeUndefined();
    await expect(assertAllowedTarget('http://127.0.0.1:1/x', { allowPrivateTargets: true })).resolves.toBeUndefined();
  });

  it('when the URL is not http(s), then it is refused whatever the policy', async () => {
    for (const url of ['ftp://example.com/x', 'file:///etc/passwd', 'not a url', 'javascript:alert(1)']) {
      await expect(assertAllowedTarget(url, { allowPrivateTargets: true })).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
      });
    }
  });

  it('when the delivery-time lookup resolves to loopback, then the connection is refused', async () => {
    const result = await new Promise<{ error: NodeJS.ErrnoException | null; addresses: unknown }>((resolve) =>
      guardedLookup('localhost', { all: true }, (error, addresses) => resolve({ error, addresses })),
    );
    expect(result.error?.code).toBe('EBLOCKEDTARGET');
    const ok = await new Promise<LookupAddress[] | string>((resolve, reject) =>
      guardedLookup('8.8.8.8', { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
    );
    expect(ok).toEqual([{ address: '8.8.8.8', family: 4 }]);
  });

  it('when sending to a private address with the guard on, then no request is made and the attempt says why', async () => {
    for (const url of [
      'http://127.0.0.1:9/x',
      'http://169.254.169.254/x',
      'http://10.0.0.1/x',
      'http://localhost:9/x',
    ]) {
      const result = await sendWebhook(
        { url, body: '{}', headers: { 'Content-Type': 'application/json' } },
        { timeoutMs: 1_000, allowPrivateTargets: false },
      );
      expect(result.ok).toBe(false);
      expect(result.statusCode).toBeNull();
      expect(result.error).toMatch(/refused/);
    }
  });
});
