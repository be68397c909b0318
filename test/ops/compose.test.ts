import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * docker-compose.yml validated by Debian's docker-compose (no engine needed for `config`),
 * .env.production against the SPEC configuration table, and the Dockerfiles read as text:
 * no Docker engine here, so what can be proven without building is proven.
 */

type Service = {
  image?: string;
  build?: { context: string; dockerfile: string; target?: string };
  ports?: unknown[];
  expose?: unknown[];
  restart?: string;
  healthcheck?: { test: unknown };
  depends_on?: Record<string, { condition: string }>;
  environment?: Record<string, string>;
  networks?: Record<string, unknown> | string[];
  volumes?: string[];
  profiles?: string[];
  command?: string[] | string;
};
type ComposeConfig = {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
  networks: Record<string, unknown>;
};

const APPS = ['payout-api', 'payment-api', 'merchant-portal', 'admin-portal'];
const LONG_RUNNING = ['mysql', ...APPS, 'nginx'];
const SPEC_VARIABLES = [
  'DATABASE_URL',
  'PORT',
  'NODE_ENV',
  'LOG_LEVEL',
  'PUBLIC_SANDBOX_URL',
  'SCENARIO_DELAY_SCALE',
  'WEBHOOK_RETRY_SCHEDULE',
  'WEBHOOK_ALLOW_PRIVATE_TARGETS',
  'SEED_PAYOUT_API_KEY',
  'MERCHANT_JWT_SECRET',
  'ADMIN_JWT_SECRET',
  'COOKIE_SECURE',
  'DOMAIN',
];

let dir: string;
let config: ComposeConfig;

async function composeConfig(envFile: string) {
  return run('docker-compose', ['-f', path.join(REPO, 'docker-compose.yml'), '--env-file', envFile, 'config']);
}

beforeAll(async () => {
  dir = await tempDir('compose');
  const envFile = path.join(dir, '.env');
  await writeFile(envFile, await readFile(path.join(REPO, '.env.production'), 'utf8'));
  const res = await composeConfig(envFile);
  if (res.code !== 0) throw new Error(`docker-compose config failed: ${res.stderr}`);
  const json = await run('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: res.stdout,
  });
  config = JSON.parse(json.stdout);
});

afterAll(async () => {
  await removeDir(dir);
});

describe('docker-compose.yml', () => {
  it('when validated with the .env.production placeholders, then it declares the whole stack', () => {
    expect(Object.keys(config.services).sort()).toEqual(
      ['admin-portal', 'certbot', 'merchant-portal', 'migrate', 'mysql', 'nginx', 'payment-api', 'payout-api'].sort(),
    );
    expect(config.services.mysql!.image).toBe('mysql:8.0');
    expect(config.services.mysql!.volumes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^mysql_data:\/var\/lib\/mysql/)]),
    );
    expect(Object.keys(config.volumes)).toContain('mysql_data');
    expect(Object.keys(config.networks)).toEqual(['mypay-network']);
  });

  it('when ports are published, then only nginx publishes them, on 80 and 443', () => {
    const publishing = Object.entries(config.services).filter(([, s]) => s.ports?.length);
    expect(publishing.map(([name]) => name)).toEqual(['nginx']);
    expect(JSON.stringify(config.services.nginx!.ports)).toMatch(/80.*443|443.*80/);
  });

  it.each(LONG_RUNNING)(
    'when %s runs, then it has a health check, restarts unless stopped and joins the network',
    (name) => {
      const service = config.services[name]!;
      expect(service.healthcheck?.test).toBeDefined();
      expect(service.restart).toBe('unless-stopped');
      expect(Object.keys(service.networks ?? {})).toEqual(['mypay-network']);
    },
  );

  it.each(APPS)('when %s starts, then it waits for a healthy MySQL and a finished migrate run', (name) => {
    expect(config.services[name]!.depends_on).toEqual({
      mysql: { condition: 'service_healthy' },
      migrate: { condition: 'service_completed_successfully' },
    });
  });

  it('when migrate and nginx start, then they wait for what they need', () => {
    expect(config.services.migrate!.depends_on).toEqual({ mysql: { condition: 'service_healthy' } });
    expect(config.services.migrate!.restart).toBe('no');
    expect(config.services.migrate!.build?.target).toBe('migrate');
    expect(config.services.nginx!.depends_on).toEqual(
      Object.fromEntries(APPS.map((app) => [app, { condition: 'service_healthy' }])),
    );
    expect(config.services.certbot!.profiles).toEqual(['certbot']);
  });

  it('when apps connect to the database, then they use the app user, and only migrate uses root', () => {
    for (const app of APPS) {
      expect(config.services[app]!.environment!.DATABASE_URL).toMatch(/^mysql:\/\/mypay_app:[^@]+@mysql:3306\/mypay$/);
      expect(config.services[app]!.environment!.NODE_ENV).toBe('production');
      expect(JSON.stringify(config.services[app]!.environment)).not.toContain('MYSQL_ROOT_PASSWORD');
    }
    expect(config.services.migrate!.environment!.DATABASE_URL).toMatch(/^mysql:\/\/root:/);
  });

  it('when a required secret is missing from the env file, then config fails and names it', async () => {
    const envFile = path.join(dir, '.env.missing');
    const full = await readFile(path.join(REPO, '.env.production'), 'utf8');
    await writeFile(envFile, full.replace(/^MYSQL_PASSWORD=.*$/m, ''));
    const res = await composeConfig(envFile);
    expect(res.code).not.toBe(0);
    expect(res.stderr).toContain('MYSQL_PASSWORD');
  });

  it('when the compose file is read, then it holds no secret values, only references', async () => {
    const text = await readFile(path.join(REPO, 'docker-compose.yml'), 'utf8');
    expect(text).not.toMatch(/CHANGE_ME/);
    expect(text).not.toMatch(/^\s*name:/m); // docker-compose 1.29 rejects a top-level name
    for (const secret of ['MYSQL_ROOT_PASSWORD', 'MYSQL_PASSWORD', 'MERCHANT_JWT_SECRET', 'ADMIN_JWT_SECRET']) {
      expect(text).toContain(`\${${secret}:?`);
    }
  });

  it('when nginx mounts the project files, then they exist', () => {
    for (const volume of config.services.nginx!.volumes ?? []) {
      const source = String(volume).split(':')[0]!;
      // Created on the server: logs at run time, certificates by deploy-production.sh.
      if (source.includes('/logs/') || source.includes('/nginx/certbot/')) continue;
      expect(existsSync(source), source).toBe(true);
    }
  });
});

describe('.env.production', () => {
  let text: string;
  beforeAll(async () => {
    text = await readFile(path.join(REPO, '.env.production'), 'utf8');
  });

  it.each(SPEC_VARIABLES)('when read, then it documents %s from the SPEC configuration table', (name) => {
    expect(text).toMatch(new RegExp(`^(# )?${name}=|\\b${name}\\b.*(set|fixed)`, 'm'));
  });

  it('when read, then every variable docker-compose.yml interpolates is in it', async () => {
    const compose = await readFile(path.join(REPO, 'docker-compose.yml'), 'utf8');
    const referenced = new Set([...compose.matchAll(/\$\{([A-Z_]+)[:}]/g)].map((m) => m[1]!));
    for (const name of ['IMAGE_PREFIX', 'IMAGE_TAG']) referenced.delete(name); // set by the deploy script
    for (const name of referenced) expect(text, name).toMatch(new RegExp(`^(# )?${name}=`, 'm'));
  });

  it('when read, then every secret is a CHANGE_ME placeholder with instructions to generate it', () => {
    for (const name of [
      'MYSQL_ROOT_PASSWORD',
      'MYSQL_PASSWORD',
      'MERCHANT_JWT_SECRET',
      'ADMIN_JWT_SECRET',
      'SEED_ADMIN_PASSWORD',
    ]) {
      expect(text).toMatch(new RegExp(`^${name}=CHANGE_ME`, 'm'));
    }
    expect(text).toContain('openssl rand -hex 32');
    expect(text).toContain('chmod 600');
  });
});

describe('Dockerfiles', () => {
  const DOCKERFILES = [
    'services/payout-api/Dockerfile',
    'services/payment-api/Dockerfile',
    'apps/merchant-portal/Dockerfile',
    'apps/admin-portal/Dockerfile',
  ];

  interface Stage {
    name: string;
    from: string;
    instructions: { op: string; args: string }[];
  }

  async function parse(file: string): Promise<{ args: Record<string, string>; stages: Stage[] }> {
    const text = (await readFile(path.join(REPO, file), 'utf8')).replace(/\\\n\s*/g, ' ');
    const args: Record<string, string> = {};
    const stages: Stage[] = [];
    for (const line of text.split('\n')) {
      const m = /^\s*([A-Z]+)\s+(.*)$/.exec(line);
      if (!m || line.trim().startsWith('#')) continue;
      const [, op, rest] = m as unknown as [string, string, string];
      if (op === 'FROM') {
        const from = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(rest)!;
        stages.push({ from: from[1]!, name: from[2] ?? '', instructions: [] });
      } else if (stages.length === 0 && op === 'ARG') {
        const [key, value] = rest.split('=');
        args[key!] = value ?? '';
      } else {
        stages.at(-1)!.instructions.push({ op, args: rest });
      }
    }
    return { args, stages };
  }

  function dockerignoreMatcher(patterns: string[]): (file: string) => boolean {
    const regexes = patterns.map((p) => {
      const source = p
        .replace(/[.+^${}()|[\]]/g, '\\$&')
        .split('**/')
        .map((part) => part.replace(/\*/g, '[^/]*'))
        .join('(?:.*/)?');
      return new RegExp(`^${source}(?:/.*)?$`);
    });
    return (file) => regexes.some((r) => r.test(file));
  }

  it.each(DOCKERFILES)('when %s is read, then it is a multi-stage node:20-bookworm-slim build', async (file) => {
    const { args, stages } = await parse(file);
    expect(stages.length).toBeGreaterThanOrEqual(3);
    for (const stage of stages) {
      const image = stage.from.replace(/^\$\{NODE_IMAGE\}$/, args.NODE_IMAGE ?? '');
      expect(['node:20-bookworm-slim', 'base', 'build', 'prod-deps', 'migrate-deps']).toContain(image);
    }
    const all = stages.flatMap((s) => s.instructions.map((i) => `${i.op} ${i.args}`)).join('\n');
    expect(all).toContain('pnpm install --frozen-lockfile');
    expect(all).toContain('pnpm db:generate');
    expect(all).toMatch(/--prod --store-dir \S+ --filter|\.next\/standalone/);
  });

  it.each(DOCKERFILES)('when %s runs, then its runtime stage is unprivileged and health-checked', async (file) => {
    const { stages } = await parse(file);
    const runtime = stages.find((s) => s.name === 'runtime')!;
    expect(runtime).toBeDefined();
    const users = runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args.trim());
    expect(users.length).toBeGreaterThan(0);
    expect(['root', '0', '0:0']).not.toContain(users.at(-1));
    expect(runtime.instructions.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('CMD'))).toBe(true);
    expect(runtime.instructions.some((i) => i.op === 'CMD')).toBe(true);
    for (const stage of stages.filter((s) => s.name === 'migrate')) {
      expect(stage.instructions.some((i) => i.op === 'USER' && i.args.trim() === 'node')).toBe(true);
    }
  });

  it.each(DOCKERFILES)('when %s is built, then no secret is baked in through ARG or ENV', async (file) => {
    const { args, stages } = await parse(file);
    const declared = [
      ...Object.keys(args),
      ...stages.flatMap((s) =>
        s.instructions
          .filter((i) => i.op === 'ARG' || i.op === 'ENV')
          .flatMap((i) =>
            [...i.args.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=/g)].map((m) => m[1]!).concat(i.args.split(/[\s=]/)[0]!),
          ),
      ),
    ];
    for (const name of declared) {
      expect(name).not.toMatch(/PASSWORD|SECRET|TOKEN|PRIVATE|API_KEY|DATABASE_URL|CREDENTIAL/i);
    }
  });

  it.each(DOCKERFILES)(
    'when %s copies from the build context, then every source exists and is not ignored',
    async (file) => {
      const { stages } = await parse(file);
      const ignored = dockerignoreMatcher(
        (await readFile(path.join(REPO, '.dockerignore'), 'utf8'))
          .split('\n')
          .map((l) => l.trim())
          .filter((l) => l && !l.startsWith('#')),
      );
      const copies = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY' && !i.args.includes('--from')));
      expect(copies.length).toBeGreaterThan(0);
      for (const copy of copies) {
        const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
        for (const source of parts.slice(0, -1)) {
          if (source === '.') continue;
          expect(existsSync(path.join(REPO, source)), `${file}: COPY ${source}`).toBe(true);
          expect(ignored(source), `${file}: COPY ${source} is excluded by .dockerignore`).toBe(false);
        }
      }
    },
  );

  it('when the build context is sent, then env files, git, node_modules and local state stay out', async () => {
    const ignored = dockerignoreMatcher(
      (await readFile(path.join(REPO, '.dockerignore'), 'utf8'))
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
    for (const file of [
      '.env',
      '.env.production',
      '.git/config',
      'node_modules/x',
      'services/payout-api/node_modules/x',
      'backups/a.sql.gz',
      'apps/merchant-portal/.next/x',
      'nginx/certbot/conf/x',
    ]) {
      expect(ignored(file), file).toBe(true);
    }
    for (const file of ['pnpm-lock.yaml', 'services/payout-api/src/server.ts', 'prisma/migrations/x/migration.sql']) {
      expect(ignored(file), file).toBe(false);
    }
  });

  it('when compose builds an image, then the Dockerfile and target it names exist', async () => {
    for (const [name, service] of Object.entries(config.services)) {
      if (!service.build) continue;
      const file = path.relative(service.build.context, path.resolve(service.build.context, service.build.dockerfile));
      const { stages } = await parse(file);
      expect(
        stages.map((s) => s.name),
        `${name}: target ${service.build.target}`,
      ).toContain(service.build.target);
    }
  });
});
