import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO, run } from './support/ops.ts';

/** Static quality of the shell scripts: shellcheck, strict mode, --help, main "$@". */

const OPS_SCRIPTS = [
  'scripts/backup.sh',
  'scripts/certificates.sh',
  'scripts/db-grants.sh',
  'scripts/deploy-production.sh',
  'scripts/health-check.sh',
  'scripts/pre-deploy-check.sh',
  'scripts/rollback.sh',
  'scripts/schema-check.sh',
  'scripts/stack-test.sh',
];

async function everyScript(): Promise<string[]> {
  const scripts = (await readdir(path.join(REPO, 'scripts')))
    .filter((name) => name.endsWith('.sh'))
    .map((name) => `scripts/${name}`);
  const lib = (await readdir(path.join(REPO, 'scripts/lib')).catch(() => []))
    .filter((name) => name.endsWith('.sh'))
    .map((name) => `scripts/lib/${name}`);
  const images = (await readdir(path.join(REPO, 'docker/local-images')))
    .filter((name) => name.endsWith('.sh'))
    .map((name) => `docker/local-images/${name}`);
  return [...scripts, ...lib, ...images, 'nginx/render.sh', 'test/ops/fixtures/fake-docker.sh'].sort();
}

describe('shell scripts', () => {
  it('when shellcheck reads every script, then it reports nothing', async () => {
    const scripts = await everyScript();
    expect(scripts).toEqual(expect.arrayContaining(OPS_SCRIPTS));
    const res = await run('shellcheck', ['-x', ...scripts]);
    expect(res.stdout + res.stderr).toBe('');
    expect(res.code).toBe(0);
  });

  it.each(OPS_SCRIPTS)('when %s is read, then it runs in strict mode and ends with main "$@"', async (script) => {
    const text = await readFile(path.join(REPO, script), 'utf8');
    expect(text.startsWith('#!/usr/bin/env bash\n')).toBe(true);
    expect(text).toContain('\nset -euo pipefail\n');
    expect(text.trimEnd().endsWith('main "$@"')).toBe(true);
  });

  it.each([...OPS_SCRIPTS, 'nginx/render.sh', 'scripts/ops-common.sh'])(
    'when %s --help runs, then it prints its usage and exits 0',
    async (script) => {
      const res = await run(path.join(REPO, script), ['--help']);
      expect(res.code, res.stderr).toBe(0);
      expect(res.stdout).toMatch(/^Usage: /);
    },
  );

  it.each(OPS_SCRIPTS.filter((s) => !s.endsWith('schema-check.sh')))(
    'when %s gets an unknown option, then it exits 2 with its usage',
    async (script) => {
      const res = await run(path.join(REPO, script), ['--no-such-option']);
      expect(res.code).toBe(2);
      expect(res.stderr).toContain('Usage: ');
    },
  );

  it('when schema-check.sh gets the wrong number of arguments, then it exits 2', async () => {
    const res = await run(path.join(REPO, 'scripts/schema-check.sh'), ['mysql://root@127.0.0.1:3306/x']);
    expect(res.code).toBe(2);
  });

  it('when rollback.sh runs without an action and without a terminal, then it shows usage instead of a menu', async () => {
    const res = await run(path.join(REPO, 'scripts/rollback.sh'), []);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('Usage: ');
  });

  it('when ops-common.sh is executed instead of sourced, then it refuses', async () => {
    const res = await run(path.join(REPO, 'scripts/ops-common.sh'), []);
    expect(res.code).toBe(2);
    expect(res.stderr).toContain('library');
  });
});
