import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, type RunningServer, run, startService } from './support/ops.ts';

/**
 * The production builds (`pnpm build`, scripts/bundle.mjs): each API and the CLI become one
 * JavaScript file that plain node runs, with no TypeScript loader, as the images run them.
 */

const SERVICES = ['payout-api', 'payment-api'] as const;
let api: (RunningServer & { output: () => string; pid: number }) | undefined;

beforeAll(async () => {
  for (const pkg of ['@mypay/payout-api', '@mypay/payment-api', '@mypay/cli']) {
    const res = await run('pnpm', ['--silent', '--filter', pkg, 'build']);
    expect(res.code, `${pkg}: ${res.stderr}`).toBe(0);
    expect(res.stdout).toMatch(/bundle: @mypay\/[a-z-]+ dist\/[a-z]+\.js \d+ KiB/);
  }
}, 180_000);

afterAll(async () => {
  await api?.stop();
});

describe('production builds', () => {
  it.each(SERVICES)(
    'when %s is built, then the workspace packages are inside and only installed packages are imported',
    async (service) => {
      const bundle = await readFile(path.join(REPO, 'services', service, 'dist/server.js'), 'utf8');
      const imports = [...bundle.matchAll(/^import\s.*?from\s*["']([^"']+)["']/gm)].map((m) => m[1]!);
      expect(imports.length).toBeGreaterThan(5);
      expect(imports.filter((s) => s.startsWith('@mypay/') || s.endsWith('.ts') || s.startsWith('.'))).toEqual([]);
      expect(imports.filter((s) => /^tsx(\/|$)/.test(s))).toEqual([]);
      const manifest = JSON.parse(await readFile(path.join(REPO, 'services', service, 'package.json'), 'utf8'));
      const name = (s: string) =>
        s
          .split('/')
          .slice(0, s.startsWith('@') ? 2 : 1)
          .join('/');
      for (const s of imports.filter((i) => !i.startsWith('node:'))) {
        expect(Object.keys(manifest.dependencies), s).toContain(name(s));
      }
    },
  );

  it('when the built Payout API is started with plain node, then it serves health and its API', async () => {
    api = await startService('@mypay/payout-api', { DATABASE_URL: process.env.DATABASE_URL! }, { script: 'start' });
    const health = await fetch(`${api.url}/health`);
    expect(health.status).toBe(200);
    expect(((await health.json()) as { db: string }).db).toBe('up');
    // An authenticated route answers as the sources do: 401 without a key, the error in the contract's shape.
    const res = await fetch(`${api.url}/api/v1/payouts`);
    expect(res.status).toBe(401);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
  });

  it('when the CLI is built, then its bin runs the JavaScript build', async () => {
    const res = await run('node', [path.join(REPO, 'packages/cli/bin/mypay.js'), '--version']);
    expect(res.code, res.stderr).toBe(0);
    expect(res.stdout.trim()).toBe('0.1.0');
    const bundle = await readFile(path.join(REPO, 'packages/cli/dist/main.js'), 'utf8');
    expect(bundle).not.toMatch(/from\s*["']tsx/);
  });
});
