import { existsSync, readFileSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO, removeDir, run, tempDir } from './support/ops.ts';

/**
 * docker-compose.yml validated by Debian's docker-compose (no engine needed for `config`),
 * .env.production against the SPEC configuration table, and the Dockerfile read as text.
 * Building and running it for real is test/ops/docker-stack.test.ts.
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
  services: Record<string, Service & { secrets?: { source: string }[] }>;
  secrets?: Record<string, { file?: string }>;
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
  'TRUST_PROXY',
];

let dir: string;
let config: ComposeConfig;

async function composeConfig(envFile: string, files = ['docker-compose.yml']) {
  return run('docker-compose', [...files.flatMap((f) => ['-f', path.join(REPO, f)]), '--env-file', envFile, 'config']);
}

async function toJson(yaml: string): Promise<ComposeConfig> {
  const json = await run('python3', ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], {
    input: yaml,
  });
  return JSON.parse(json.stdout);
}

beforeAll(async () => {
  dir = await tempDir('compose');
  const envFile = path.join(dir, '.env');
  await writeFile(envFile, await readFile(path.join(REPO, '.env.production'), 'utf8'));
  const res = await composeConfig(envFile);
  if (res.code !== 0) throw new Error(`docker-compose config failed: ${res.stderr}`);
  config = await toJson(res.stdout);
});

afterAll(async () => {
  await removeDir(dir);
});

describe('docker-compose.yml', () => {
  it('when validated with the .env.production placeholders, then it declares the whole stack', () => {
    expect(Object.keys(config.services).sort()).toEqual(
      [
        'admin-portal',
        'alertmanager',
        'certbot',
        'certbot-renew',
        'merchant-portal',
        'migrate',
        'mysql',
        'nginx',
        'payment-api',
        'payout-api',
        'prometheus',
        'redis',
      ].sort(),
    );
    expect(config.services.mysql!.image).toBe('mysql:8.0');
    expect(config.services.mysql!.volumes).toEqual(
      expect.arrayContaining([expect.stringMatching(/^mysql_data:\/var\/lib\/mysql/)]),
    );
    expect(Object.keys(config.volumes)).toContain('mysql_data');
    expect(Object.keys(config.networks)).toEqual(['mypay-network']);
  });

  it('when ports are published, then only nginx publishes them to the world, on 80 and 443', () => {
    const publishing = Object.entries(config.services).filter(([, s]) => s.ports?.length);
    expect(publishing.map(([name]) => name).sort()).toEqual(['alertmanager', 'nginx', 'prometheus']);
    // The monitoring UIs (profile `monitoring`) only on the host's loopback.
    expect(JSON.stringify(config.services.prometheus!.ports)).toMatch(/127\.0\.0\.1.*9090/);
    expect(JSON.stringify(config.services.alertmanager!.ports)).toMatch(/127\.0\.0\.1.*9093/);
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

  it('when the monitoring profile is read, then Prometheus and Alertmanager build from docker/monitoring and mount ops/prometheus', () => {
    for (const [name, config_] of [
      ['prometheus', '/etc/prometheus/prometheus.yml'],
      ['alertmanager', '/etc/alertmanager/alertmanager.yml'],
    ] as const) {
      const service = config.services[name]!;
      expect(service.profiles, name).toEqual(['monitoring']);
      expect(service.build).toMatchObject({ target: name });
      expect(String(service.build?.context)).toMatch(/docker\/monitoring$/);
      expect(service.healthcheck?.test).toBeDefined();
      expect(Object.keys(service.networks ?? {})).toEqual(['mypay-network']);
      const mounts = (service.volumes ?? []).map(String);
      expect(
        mounts.some((m) => m.includes('/ops/prometheus/') && m.includes(`:${config_}:ro`)),
        name,
      ).toBe(true);
      for (const m of mounts.filter((v) => v.startsWith('/'))) expect(existsSync(m.split(':')[0]!), m).toBe(true);
    }
    expect(Object.keys(config.volumes)).toEqual(expect.arrayContaining(['prometheus_data', 'alertmanager_data']));
  });

  it('when the renewal loop is read, then certbot-renew renews twice a day with the certbot profile, and nginx reloads every 6 h', () => {
    const renew = config.services['certbot-renew']!;
    expect(renew.profiles).toEqual(['certbot']);
    expect(renew.restart).toBe('unless-stopped');
    expect(JSON.stringify(renew.command)).toMatch(/certbot renew --webroot -w \/var\/www\/certbot.*sleep 43200/);
    expect(JSON.stringify(config.services.nginx!.command)).toMatch(
      /sleep 21600; do nginx -c \/tmp\/nginx\/conf\/nginx.conf -s reload/,
    );
    expect(config.services['payout-api']!.environment!.METRICS_CERT_FILES).toBe(
      '/etc/letsencrypt/live/mypay/fullchain.pem',
    );
  });

  it('when Redis is wanted for shared rate limits, then it is an opt-in profile and the APIs take REDIS_URL from the env file', () => {
    const redis = config.services.redis!;
    expect(redis.profiles).toEqual(['redis']);
    expect(redis.ports ?? []).toEqual([]);
    expect(redis.healthcheck?.test).toBeDefined();
    expect(redis.command).toEqual(expect.arrayContaining(['--maxmemory', '--appendonly', 'no']));
    for (const app of ['payout-api', 'payment-api']) {
      // Empty in the template: each replica counts alone until REDIS_URL is set.
      expect(config.services[app]!.environment!.REDIS_URL, app).toBe('');
      expect(config.services[app]!.depends_on, app).not.toHaveProperty('redis');
    }
  });

  it('when apps connect to the database, then they use the app user, and only migrate uses root', () => {
    for (const app of APPS) {
      expect(config.services[app]!.environment!.DATABASE_URL).toMatch(/^mysql:\/\/mypay_app:[^@]+@mysql:3306\/mypay$/);
      expect(config.services[app]!.environment!.NODE_ENV).toBe('production');
      expect(JSON.stringify(config.services[app]!.environment)).not.toContain('MYSQL_ROOT_PASSWORD');
    }
    expect(config.services.migrate!.environment!.DATABASE_URL).toMatch(/^mysql:\/\/root:/);
  });

  it('when nginx starts with the env file template, then OCSP stapling is off (a switch, not a default)', () => {
    expect(config.services.nginx!.environment!.OCSP_STAPLING).toBe('off');
  });

  it('when the apps run behind nginx, then they trust exactly its hop for the client address', () => {
    // Without it every API request has nginx's address: one per-IP bucket for everyone and
    // nginx in every audit row; with more, the client's own X-Forwarded-For entries count.
    for (const app of APPS) expect(config.services[app]!.environment!.TRUST_PROXY).toBe('1');
  });

  it('when the apps start, then each gets only the secrets it reads', () => {
    // Which service reads which secret: the portals their own session secret (portalEnvSchema),
    // the Payment API the hosted page's CSRF secret; nothing else reads any of them.
    const SECRETS = ['MERCHANT_JWT_SECRET', 'ADMIN_JWT_SECRET', 'CHECKOUT_CSRF_SECRET', 'SEED_ADMIN_PASSWORD'];
    const expected: Record<string, string[]> = {
      'payout-api': [],
      'payment-api': ['CHECKOUT_CSRF_SECRET'],
      'merchant-portal': ['MERCHANT_JWT_SECRET'],
      'admin-portal': ['ADMIN_JWT_SECRET'],
      migrate: [],
      nginx: [],
    };
    for (const [name, secrets] of Object.entries(expected)) {
      const env = config.services[name]!.environment ?? {};
      expect(
        SECRETS.filter((s) => s in env),
        name,
      ).toEqual(secrets);
      for (const s of secrets) expect(env[s], `${name} ${s}`).toMatch(/^CHANGE_ME/);
    }
  });

  it('when migrate seeds the first admin, then its password is a mounted secret file, not an environment value', async () => {
    // An exited container keeps its environment (`docker inspect`): no value of the password
    // may be in it, under any name; the seed reads the file the secret mounts.
    const migrate = config.services.migrate!;
    const env = migrate.environment ?? {};
    expect(env).not.toHaveProperty('SEED_ADMIN_PASSWORD');
    expect(env.SEED_ADMIN_PASSWORD_FILE).toBe('/run/secrets/seed_admin_password');
    const template = await readFile(path.join(REPO, '.env.production'), 'utf8');
    const password = /^SEED_ADMIN_PASSWORD=(.*)$/m.exec(template)![1]!;
    expect(JSON.stringify(env)).not.toContain(password);
    expect(JSON.stringify(migrate)).not.toContain(password);
    expect((migrate.secrets ?? []).map((s) => s.source)).toEqual(['seed_admin_password']);
    expect(config.secrets?.seed_admin_password?.file).toBe(path.join(REPO, 'secrets/seed_admin_password'));
    // No other service mounts it.
    for (const [name, service] of Object.entries(config.services)) {
      if (name !== 'migrate') expect(service.secrets ?? [], name).toEqual([]);
    }
  });

  it('when migrate seeds, then the public demo merchant is off unless the env file opts in', async () => {
    expect(config.services.migrate!.environment!.SEED_DEMO_MERCHANT).toBe('false');
    const envFile = path.join(dir, '.env.demo');
    const template = await readFile(path.join(REPO, '.env.production'), 'utf8');
    await writeFile(envFile, template.replace(/^SEED_DEMO_MERCHANT=.*$/m, 'SEED_DEMO_MERCHANT=true'));
    const res = await composeConfig(envFile);
    expect(res.code, res.stderr).toBe(0);
    expect((await toJson(res.stdout)).services.migrate!.environment!.SEED_DEMO_MERCHANT).toBe('true');
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

  it('when no image variable is set, then production images are the documented defaults', () => {
    expect(config.services.mysql!.image).toBe('mysql:8.0');
    expect(config.services.nginx!.image).toBe('nginx:1.27-alpine');
    for (const name of ['migrate', ...APPS]) {
      expect(config.services[name]!.image).toBe(`mypay/${name}:current`);
      expect(config.services[name]!.build).toMatchObject({ dockerfile: 'Dockerfile', target: name });
    }
  });

  it('when MySQL is health-checked, then the ping logs in as the app user (no access-denied noise)', () => {
    const test = JSON.stringify(config.services.mysql!.healthcheck!.test);
    expect(test).toContain('MYSQL_PWD');
    expect(test).toMatch(/-u\\"\$\$?MYSQL_USER\\"/);
    expect(test).toContain('-h 127.0.0.1');
  });

  it('when the stack-test override is added, then nginx mounts the test state instead of the server paths', async () => {
    const envFile = path.join(dir, '.env.stacktest');
    const template = await readFile(path.join(REPO, '.env.production'), 'utf8');
    await writeFile(
      envFile,
      `${template}\nSTACK_TEST_DIR=/srv/stack\nMYSQL_IMAGE=mypay-local/mariadb:10.11\nNGINX_HTTPS_PUBLISH=127.0.0.1:8443\n`,
    );
    const res = await composeConfig(envFile, ['docker-compose.yml', 'docker/compose.stack-test.yml']);
    expect(res.code, res.stderr).toBe(0);
    const merged = await toJson(res.stdout);
    const volumes = (merged.services.nginx!.volumes ?? []).map(String);
    expect(volumes).toEqual(
      expect.arrayContaining([
        '/srv/stack/certs:/etc/letsencrypt:ro',
        '/srv/stack/nginx-state:/var/lib/mypay-nginx:ro',
        '/srv/stack/logs/nginx:/var/log/mypay-nginx:rw',
      ]),
    );
    expect(volumes.some((v) => v.includes('/nginx/state:') || v.includes('/nginx/certbot/conf:'))).toBe(false);
    const payoutVolumes = (merged.services['payout-api']!.volumes ?? []).map(String);
    expect(payoutVolumes).toEqual(['/srv/stack/certs:/etc/letsencrypt:ro']);
    expect(merged.services.mysql!.image).toBe('mypay-local/mariadb:10.11');
    expect(merged.services.mysql!.command).not.toContain('--default-authentication-plugin=mysql_native_password');
    expect(JSON.stringify(merged.services.nginx!.ports)).toContain('127.0.0.1');
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

describe('Dockerfile', () => {
  const TARGETS = ['migrate', 'payout-api', 'payment-api', 'merchant-portal', 'admin-portal'];
  const NODE_IMAGE_REF = ['$', '{NODE_IMAGE}'].join(''); // the Dockerfile's FROM argument, verbatim

  interface Stage {
    name: string;
    from: string;
    instructions: { op: string; args: string }[];
  }

  let text: string;
  let args: Record<string, string>;
  let stages: Stage[];

  beforeAll(async () => {
    text = await readFile(path.join(REPO, 'Dockerfile'), 'utf8');
    const joined = text.replace(/\\\n\s*/g, ' ');
    args = {};
    stages = [];
    for (const line of joined.split('\n')) {
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
  });

  const stage = (name: string) => stages.find((s) => s.name === name)!;

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

  async function ignored(): Promise<(file: string) => boolean> {
    return dockerignoreMatcher(
      (await readFile(path.join(REPO, '.dockerignore'), 'utf8'))
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#')),
    );
  }

  it('when BuildKit reads it, then no syntax line asks a registry for a frontend', () => {
    expect(text).not.toMatch(/^#\s*syntax\s*=/im);
  });

  it('when a stage starts, then it is the node base image or an earlier stage', () => {
    expect(args.NODE_IMAGE).toBe('node:20-bookworm-slim');
    const names = new Set<string>();
    for (const s of stages) {
      expect(s.from === NODE_IMAGE_REF || names.has(s.from), `${s.name} FROM ${s.from}`).toBe(true);
      names.add(s.name);
    }
  });

  it('when compose builds, then it passes the same NODE_IMAGE default as the Dockerfile', async () => {
    const compose = await readFile(path.join(REPO, 'docker-compose.yml'), 'utf8');
    expect(compose).toContain(`NODE_IMAGE: \${NODE_IMAGE:-${args.NODE_IMAGE}}`);
  });

  it('when the context is copied, then only the `files` stage takes all of it; the images take their share', () => {
    for (const s of stages) {
      for (const copy of s.instructions.filter((i) => i.op === 'COPY' && !i.args.includes('--from'))) {
        if (/^\.\s/.test(copy.args)) expect(s.name, `COPY ${copy.args}`).toBe('files');
      }
    }
    for (const target of TARGETS) {
      const copies = stage(target)
        .instructions.filter((i) => i.op === 'COPY')
        .map((i) => i.args);
      expect(
        copies.some((c) => c.includes(`/files/${target}/`) || c.includes(`${target}-build`)),
        target,
      ).toBe(true);
    }
    const split = stage('files').instructions.find((i) => i.op === 'RUN')!.args;
    for (const target of TARGETS) expect(split).toMatch(new RegExp(`\\b${target}=@mypay/`));
  });

  it('when packages are installed, then only the store stage downloads; every install is offline from it', () => {
    const installs = stages.flatMap((s) =>
      s.instructions.filter((i) => i.op === 'RUN' && i.args.includes('pnpm install')).map((i) => ({ s, i })),
    );
    expect(installs.length).toBeGreaterThanOrEqual(6);
    for (const { s, i } of installs) {
      expect(i.args, s.name).toContain('--offline');
      expect(i.args, s.name).toContain('--frozen-lockfile');
      expect(i.args, s.name).toContain('from=store');
    }
    expect(stage('store').instructions.some((i) => i.args.includes('pnpm fetch'))).toBe(true);
    expect(stage('prisma-client').instructions.some((i) => i.args.includes('pnpm db:generate'))).toBe(true);
  });

  it.each(TARGETS)('when %s runs, then it runs unprivileged and has a command', (target) => {
    const runtime = stage(target);
    expect(runtime.from).toBe(NODE_IMAGE_REF);
    const users = runtime.instructions.filter((i) => i.op === 'USER').map((i) => i.args.trim());
    expect(users.at(-1)).toBe('node');
    expect(runtime.instructions.some((i) => i.op === 'CMD')).toBe(true);
    if (target !== 'migrate') {
      expect(runtime.instructions.some((i) => i.op === 'HEALTHCHECK' && i.args.includes('CMD'))).toBe(true);
    }
  });

  it.each(['payout-api', 'payment-api'])(
    'when %s runs, then plain node runs its JavaScript build, heap capped, with no TypeScript loader',
    (target) => {
      const runtime = stage(target);
      const cmd = runtime.instructions.filter((i) => i.op === 'CMD').at(-1)!.args;
      expect(JSON.parse(cmd)).toEqual(['node', expect.stringMatching(/^--max-old-space-size=\d+$/), 'dist/server.js']);
      expect(runtime.instructions.map((i) => i.args).join('\n')).not.toMatch(/\btsx\b/);
      // The build comes from its own stage; the runtime has the production install and dist/ only.
      const copies = runtime.instructions.filter((i) => i.op === 'COPY').map((i) => i.args);
      expect(copies).toContain(`--from=${target}-build /app/services/${target}/dist /app/services/${target}/dist`);
      expect(copies.some((c) => c.includes('/files/'))).toBe(false);
      const build = stage(`${target}-build`);
      expect(
        build.instructions.some((i) => i.op === 'RUN' && i.args.includes(`pnpm --filter @mypay/${target} build`)),
      ).toBe(true);
      expect(build.instructions.some((i) => i.op === 'COPY' && i.args.includes('/files/bundler/'))).toBe(true);
      expect(stage(`${target}-deps`).instructions.find((i) => i.args.includes('pnpm install'))!.args).toContain(
        '--prod',
      );
    },
  );

  it('when an API is installed for production, then tsx is not among its dependencies (dev keeps it)', async () => {
    for (const service of ['payout-api', 'payment-api']) {
      const manifest = JSON.parse(await readFile(path.join(REPO, 'services', service, 'package.json'), 'utf8'));
      expect(manifest.dependencies.tsx, service).toBeUndefined();
      expect(manifest.devDependencies.tsx, service).toBeDefined();
      expect(manifest.scripts.start, service).toBe('node dist/server.js');
      expect(manifest.scripts.build, service).toContain('scripts/bundle.mjs');
    }
  });

  it('when it is built, then no secret is baked in through ARG or ENV (the CA comes as a build secret)', () => {
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
      expect(name).not.toMatch(/PASSWORD|SECRET|TOKEN|PRIVATE|API_KEY|DATABASE_URL|CREDENTIAL|CA_CERT/i);
    }
    const secretMounts = stages.flatMap((s) =>
      s.instructions.filter((i) => i.args.includes('type=secret')).map(() => s.name),
    );
    expect(secretMounts.sort()).toEqual(['base', 'store']);
  });

  it('when it copies from the build context, then every source exists and is not ignored', async () => {
    const isIgnored = await ignored();
    const copies = stages.flatMap((s) => s.instructions.filter((i) => i.op === 'COPY' && !i.args.includes('--from')));
    expect(copies.length).toBeGreaterThan(0);
    for (const copy of copies) {
      const parts = copy.args.split(/\s+/).filter((p) => !p.startsWith('--'));
      for (const source of parts.slice(0, -1)) {
        if (source === '.') continue;
        expect(existsSync(path.join(REPO, source)), `COPY ${source}`).toBe(true);
        expect(isIgnored(source), `COPY ${source} is excluded by .dockerignore`).toBe(false);
      }
    }
  });

  it('when the build context is sent, then env files, git, node_modules and local state stay out', async () => {
    const isIgnored = await ignored();
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
      expect(isIgnored(file), file).toBe(true);
    }
    for (const file of [
      'pnpm-lock.yaml',
      'services/payout-api/src/server.ts',
      'prisma/migrations/x/migration.sql',
      'docker/image-files.mjs',
    ]) {
      expect(isIgnored(file), file).toBe(false);
    }
  });

  it('when compose builds an image, then the target it names exists', () => {
    for (const [name, service] of Object.entries(config.services)) {
      if (!service.build) continue;
      expect(service.build.dockerfile, name).toBe('Dockerfile');
      // The monitoring images have a Dockerfile of their own (Debian's packages, no Node).
      if (String(service.build.context).endsWith('docker/monitoring')) {
        const monitoring = readFileSync(path.join(REPO, 'docker/monitoring/Dockerfile'), 'utf8');
        expect(monitoring, name).toMatch(new RegExp(`^FROM \\S+ AS ${service.build.target}$`, 'm'));
        continue;
      }
      expect(
        stages.map((s) => s.name),
        `${name}: target ${service.build.target}`,
      ).toContain(service.build.target);
    }
  });
});
