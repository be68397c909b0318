import { chmod, copyFile, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * deploy-production.sh and pre-deploy-check.sh. There is no Docker engine here, so the deploy
 * runs against a fake `docker` (test/ops/fixtures/fake-docker.sh) that records every call and
 * answers like a small stack; what is proven is the script's own logic: step order, the
 * rollback point, and the automatic rollback when the new release fails its health check.
 */

const deployScript = path.join(REPO, 'scripts/deploy-production.sh');
const preDeployScript = path.join(REPO, 'scripts/pre-deploy-check.sh');

let dir: string;
let envFile: string;

/** .env.production with every placeholder replaced the way the template says. */
async function writeFilledEnv(file: string, edit: (text: string) => string = (t) => t): Promise<void> {
  let text = await readFile(path.join(REPO, '.env.production'), 'utf8');
  let counter = 0;
  text = text.replace(/^([A-Z_]+)=CHANGE_ME.*$/gm, (_, name: string) => {
    counter += 1;
    if (name === 'LETSENCRYPT_EMAIL') return `${name}=ops@example.com`;
    return `${name}=${counter.toString(16).padStart(2, '0')}${'a1b2c3d4'.repeat(8)}`;
  });
  // The compose secret of the seeded admin's password goes into the test's directory, not the repository.
  text = text.replace(
    /^# SEED_ADMIN_PASSWORD_FILE=.*$/m,
    `SEED_ADMIN_PASSWORD_FILE=${path.join(path.dirname(file), 'secrets', 'seed_admin_password')}`,
  );
  await writeFile(file, edit(text));
  await chmod(file, 0o600);
}

beforeEach(async () => {
  dir = await tempDir('deploy');
  envFile = path.join(dir, '.env.production');
  await writeFilledEnv(envFile);
});

afterEach(async () => {
  await removeDir(dir);
});

describe('pre-deploy-check.sh --checks env', () => {
  it('when the env file still holds the template placeholders, then it fails naming each one', async () => {
    const template = path.join(dir, 'template.env');
    await copyFile(path.join(REPO, '.env.production'), template);
    await chmod(template, 0o600);
    const res = await run(preDeployScript, ['--env-file', template, '--checks', 'env']);
    expect(res.code).toBe(1);
    for (const name of [
      'MYSQL_ROOT_PASSWORD',
      'MYSQL_PASSWORD',
      'MERCHANT_JWT_SECRET',
      'ADMIN_JWT_SECRET',
      'SEED_ADMIN_PASSWORD',
      'LETSENCRYPT_EMAIL',
    ]) {
      expect(res.stdout).toContain(`${name} still holds a CHANGE_ME placeholder`);
    }
  });

  it('when every value is filled in and the file is mode 600, then it passes', async () => {
    const res = await run(preDeployScript, ['--env-file', envFile, '--checks', 'env']);
    expect(res.code, res.stdout).toBe(0);
    expect(res.stdout).toMatch(/^env\s+PASS/m);
  });

  it('when the public demo merchant is opted in, then it passes with a warning naming it', async () => {
    await writeFilledEnv(envFile, (text) => text.replace(/^SEED_DEMO_MERCHANT=.*$/m, 'SEED_DEMO_MERCHANT=true'));
    const res = await run(preDeployScript, ['--env-file', envFile, '--checks', 'env', '--json']);
    expect(res.code, res.stdout).toBe(0);
    const checks = JSON.parse(res.stdout).checks as { component: string; status: string; detail: string }[];
    expect(checks).toContainEqual(
      expect.objectContaining({
        component: 'env SEED_DEMO_MERCHANT',
        status: 'WARN',
        detail: expect.stringContaining('anyone can sign in'),
      }),
    );
  });

  it('when the file is readable by others, then it fails asking for chmod 600', async () => {
    await chmod(envFile, 0o644);
    const res = await run(preDeployScript, ['--env-file', envFile, '--checks', 'env']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('mode is 644, must be 600');
  });

  it('when a secret is short or a production flag is unsafe, then it fails saying which', async () => {
    await writeFilledEnv(envFile, (text) =>
      text
        .replace(/^ADMIN_JWT_SECRET=.*$/m, 'ADMIN_JWT_SECRET=tooshort')
        .replace(/^WEBHOOK_ALLOW_PRIVATE_TARGETS=.*$/m, 'WEBHOOK_ALLOW_PRIVATE_TARGETS=true'),
    );
    const res = await run(preDeployScript, ['--env-file', envFile, '--checks', 'env', '--json']);
    expect(res.code).toBe(1);
    const details = JSON.parse(res.stdout).checks.map((c: { detail: string }) => c.detail);
    expect(details).toContain('ADMIN_JWT_SECRET is 8 characters, needs >= 32 (openssl rand -hex 32)');
    expect(details).toContain('WEBHOOK_ALLOW_PRIVATE_TARGETS must be false (webhooks into private networks = SSRF)');
  });
});

describe('pre-deploy-check.sh --checks env for staging', () => {
  it('when .env.staging has no image prefix of its own, then it fails asking for one', async () => {
    const staging = path.join(dir, '.env.staging');
    await writeFilledEnv(staging);
    const res = await run(preDeployScript, ['--env-file', staging, '--checks', 'env']);
    expect(res.code).toBe(1);
    expect(res.stdout).toContain('IMAGE_PREFIX must be set and differ from production');

    await writeFilledEnv(staging, (text) => `${text}\nIMAGE_PREFIX=mypay-staging\n`);
    const ok = await run(preDeployScript, ['--env-file', staging, '--checks', 'env']);
    expect(ok.code, ok.stdout).toBe(0);
  });
});

describe('deploy-production.sh (against a fake docker CLI)', () => {
  async function deploy(env: Record<string, string>) {
    const bin = path.join(dir, 'bin');
    await run('mkdir', ['-p', bin, path.join(dir, 'state')]);
    await copyFile(path.join(REPO, 'test/ops/fixtures/fake-docker.sh'), path.join(bin, 'docker'));
    await chmod(path.join(bin, 'docker'), 0o755);
    const res = await run(deployScript, ['--env', 'production', '--skip-certs', '--yes'], {
      env: {
        PATH: `${bin}:${process.env.PATH}`,
        FAKE_DOCKER_STATE: path.join(dir, 'state'),
        ENV_FILE: envFile,
        BACKUP_DIR: path.join(dir, 'backups'),
        DEPLOY_LOG_DIR: path.join(dir, 'logs'),
        ROLLBACK_LOG_DIR: path.join(dir, 'logs'),
        DEPLOY_HEALTH_TIMEOUT: '5',
        PREDEPLOY_MIN_DISK_MB: '1',
        PREDEPLOY_MIN_RAM_MB: '1',
        HEALTH_DISK_MIN_FREE_MB: '1',
        HEALTH_MEM_MIN_AVAILABLE_MB: '1',
        ...env,
      },
      timeoutMs: 120_000,
    });
    const calls = (await readFile(path.join(dir, 'state', 'calls.log'), 'utf8').catch(() => '')).split('\n');
    const logs = await readdir(path.join(dir, 'logs')).catch(() => [] as string[]);
    return { ...res, calls, logs };
  }

  const indexOf = (calls: string[], pattern: RegExp) => calls.findIndex((c) => pattern.test(c));

  it('when the new release is healthy, then it backs up, tags the rollback point, builds, migrates and starts, in that order', async () => {
    const res = await deploy({});
    expect(res.code, res.stdout).toBe(0);
    const dump = indexOf(res.calls, /exec -T mysql sh -c .*mysqldump/);
    const tag = indexOf(res.calls, /^tag mypay\/payout-api:current mypay\/payout-api:rollback$/);
    const build = indexOf(res.calls, / build$/);
    const migrate = indexOf(res.calls, /run --rm --no-deps migrate node --import tsx migrate\.ts/);
    const up = indexOf(res.calls, /up -d --no-build --remove-orphans/);
    expect(
      [dump, tag, build, migrate, up].every((i) => i >= 0),
      JSON.stringify({ dump, tag, build, migrate, up }),
    ).toBe(true);
    expect(dump).toBeLessThan(tag);
    expect(tag).toBeLessThan(build);
    expect(build).toBeLessThan(migrate);
    expect(migrate).toBeLessThan(up);
    // One merchant exists already: no seed run.
    expect(indexOf(res.calls, /seed\.ts/)).toBe(-1);
    expect(indexOf(res.calls, /:rollback mypay\/.*:current$/)).toBe(-1);
    // Separate Compose project per environment.
    expect(res.calls.filter((c) => c.startsWith('compose --')).every((c) => c.includes('-p mypay-production'))).toBe(
      true,
    );

    const record = await readFile(path.join(dir, 'backups', 'last-deploy.env'), 'utf8');
    expect(record).toMatch(/^PRE_DEPLOY_BACKUP=.*mypay-mypay-\d{8}T\d{9}Z-pre-deploy\.sql\.gz$/m);
    expect(record).toContain('ROLLBACK_IMAGES=1');
    expect(res.logs.some((name) => /^deployment-\d{8}T\d{6}Z\.log$/.test(name))).toBe(true);
    const log = await readFile(path.join(dir, 'logs', res.logs.find((n) => n.startsWith('deployment-'))!), 'utf8');
    expect(log).toContain('RESULT: PASS');
    expect(log).toContain('deployed production');

    // The seeded admin's password reached Compose as a secret file (readable by the container's
    // user, in a directory only the owner enters), before the first migrate run.
    const env = await readFile(envFile, 'utf8');
    const password = /^SEED_ADMIN_PASSWORD=(.*)$/m.exec(env)![1]!;
    const secret = path.join(dir, 'secrets', 'seed_admin_password');
    expect(await readFile(secret, 'utf8')).toBe(password);
    expect((await stat(secret)).mode & 0o777).toBe(0o444);
    expect((await stat(path.dirname(secret))).mode & 0o777).toBe(0o700);
  });

  it('when no registry answers, then it builds from the local base images; when one does, it pulls', async () => {
    const offline = await deploy({});
    expect(offline.code, offline.stdout).toBe(0);
    expect(offline.stdout + offline.stderr).toContain('cannot pull node:20-bookworm-slim');
    expect(indexOf(offline.calls, / build$/)).toBeGreaterThan(-1);
    expect(indexOf(offline.calls, / build --pull$/)).toBe(-1);

    await run('rm', ['-rf', path.join(dir, 'state'), path.join(dir, 'backups')]);
    const online = await deploy({ FAKE_REGISTRY: '1' });
    expect(online.code, online.stdout).toBe(0);
    expect(indexOf(online.calls, / build --pull$/)).toBeGreaterThan(-1);
  });

  it('when IMAGE_PREFIX is in the env file, then the rollback point uses it (the names Compose builds)', async () => {
    await writeFilledEnv(envFile, (text) => `${text}\nIMAGE_PREFIX=mypay-blue\n`);
    const res = await deploy({});
    expect(res.code, res.stdout).toBe(0);
    expect(res.calls).toContain('tag mypay-blue/payout-api:current mypay-blue/payout-api:rollback');
  });

  it('when the new release fails its health check, then the previous images and the pre-deploy backup come back', async () => {
    const res = await deploy({ FAKE_NEW_RELEASE_HEALTHY: '0' });
    expect(res.code).toBe(1);
    const output = res.stdout + res.stderr;
    expect(output).toContain("deployment failed during 'start'");
    const build = indexOf(res.calls, / build$/);
    const restoreImage = indexOf(res.calls, /^tag mypay\/payout-api:rollback mypay\/payout-api:current$/);
    expect(restoreImage).toBeGreaterThan(build);
    for (const svc of ['migrate', 'payout-api', 'payment-api', 'merchant-portal', 'admin-portal']) {
      expect(res.calls).toContain(`tag mypay/${svc}:rollback mypay/${svc}:current`);
    }
    // The migration ran, so the database goes back to the pre-deploy backup too.
    expect(output).toMatch(/migrations changed \(1 -> 2\): restoring .*pre-deploy\.sql\.gz/);
    expect(output).toContain('restored 1 tables from');
    expect(output).toContain('rolled back: the previous release is running and healthy');
  });

  it('when there is no running release yet, then a failed first deployment says there is nothing to roll back to', async () => {
    const res = await deploy({ FAKE_NEW_RELEASE_HEALTHY: '0', FAKE_HAS_IMAGES: '0', FAKE_MYSQL_RUNNING: '0' });
    expect(res.code).toBe(1);
    const output = res.stdout + res.stderr;
    expect(output).toContain('first deployment');
    expect(output).toContain('no rollback point');
    expect(indexOf(res.calls, /^tag /)).toBe(-1);
  });
});
