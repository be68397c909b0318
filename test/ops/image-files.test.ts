import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * docker/image-files.mjs, the `files` stage of the Dockerfile: which files each image is
 * built from. What it leaves out cannot rebuild that image (BuildKit compares the copied
 * files by content), so an edit to one portal leaves the APIs' layers cached.
 */

let out: string;
let res: Awaited<ReturnType<typeof run>>;

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

beforeAll(async () => {
  out = await tempDir('image-files');
  res = await run('node', [
    path.join(REPO, 'docker/image-files.mjs'),
    REPO,
    out,
    'payout-api=@mypay/payout-api',
    'merchant-portal=@mypay/merchant-portal',
    'prisma-client=prisma.config.ts,prisma/schema.prisma',
    'bundler=scripts/bundle.mjs',
  ]);
});

afterAll(async () => {
  await removeDir(out);
});

describe('docker/image-files.mjs', () => {
  it('when an API image is split out, then it holds that service and the workspace packages it depends on', async () => {
    expect(res.code, res.stderr).toBe(0);
    const dirs = (await readdir(path.join(out, 'payout-api', 'packages'))).sort();
    expect(dirs).toEqual(['contracts', 'core', 'db', 'http']);
    expect(existsSync(path.join(out, 'payout-api', 'services/payout-api/src/server.ts'))).toBe(true);
    expect(existsSync(path.join(out, 'payout-api', 'tsconfig.base.json'))).toBe(true);
    for (const absent of ['apps', 'services/payment-api', 'prisma', 'packages/sdk', 'bench', 'test']) {
      expect(existsSync(path.join(out, 'payout-api', absent)), absent).toBe(false);
    }
  });

  it('when a package is split out, then its tests and local build output stay behind', async () => {
    const files = [
      ...(await listFiles(path.join(out, 'payout-api'))),
      ...(await listFiles(path.join(out, 'merchant-portal'))),
    ];
    expect(files.length).toBeGreaterThan(20);
    expect(files.filter((f) => /\.test\.tsx?$/.test(f))).toEqual([]);
    expect(files.filter((f) => /(^|\/)(node_modules|\.next)\//.test(f))).toEqual([]);
    expect(files.filter((f) => /^(services|apps|packages)\/[^/]+\/test\//.test(f))).toEqual([]);
  });

  it('when a portal is split out, then it carries the shared UI package and not the APIs', async () => {
    const dirs = (await readdir(path.join(out, 'merchant-portal', 'packages'))).sort();
    expect(dirs).toContain('portal-ui');
    // packages/http for its metrics module only (the standalone server traces just that file).
    expect(dirs).toContain('http');
    expect(dirs).not.toContain('sdk');
    expect(existsSync(path.join(out, 'merchant-portal', 'services'))).toBe(false);
  });

  it('when the manifests are written, then every workspace package.json and the lockfile are there, and no source', async () => {
    const files = await listFiles(path.join(out, 'manifests'));
    expect(files).toEqual(expect.arrayContaining(['package.json', 'pnpm-lock.yaml', 'pnpm-workspace.yaml']));
    for (const pkg of ['services/payout-api', 'apps/admin-portal', 'packages/cli', 'prisma', 'test', 'bench']) {
      expect(files, pkg).toContain(`${pkg}/package.json`);
    }
    // The dependency patches pnpm applies at install are manifests too.
    expect(files).toContain('patches/@asteasolutions__zod-to-openapi@9.1.0.patch');
    expect(files.every((f) => /(^|\/)package\.json$|^pnpm-|^patches\/[^/]+\.patch$/.test(f))).toBe(true);
  });

  it('when a set names files, then exactly those are copied', async () => {
    expect((await listFiles(path.join(out, 'prisma-client'))).sort()).toEqual([
      'prisma.config.ts',
      'prisma/schema.prisma',
    ]);
    // The APIs' build stages take the bundler alone, not the scripts folder.
    expect(await listFiles(path.join(out, 'bundler'))).toEqual(['scripts/bundle.mjs']);
  });

  it('when a set names a package that is not in the workspace, then it fails saying so', async () => {
    const bad = await run('node', [
      path.join(REPO, 'docker/image-files.mjs'),
      REPO,
      path.join(out, 'bad'),
      'x=@mypay/nope',
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('no workspace package @mypay/nope');
  });
});
