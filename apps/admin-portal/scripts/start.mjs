// Runs the standalone server that `next build` wrote (output: 'standalone'), on PORT
// (default 4011) and HOST (default 0.0.0.0). DATABASE_URL and the other settings are read
// by the app itself. Static assets are copied beside the server, as Next expects.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const standalone = path.join(app, '.next/standalone/apps/admin-portal');
const server = path.join(standalone, 'server.js');
if (!existsSync(server)) {
  process.stderr.write('admin-portal: no build found; run `pnpm --filter @mypay/admin-portal build` first\n');
  process.exit(1);
}
cpSync(path.join(app, '.next/static'), path.join(standalone, '.next/static'), { recursive: true });
if (existsSync(path.join(app, 'public'))) {
  cpSync(path.join(app, 'public'), path.join(standalone, 'public'), { recursive: true });
}

process.env.PORT ||= '4011';
// The standalone server sets NODE_ENV=production for React; the app's own settings follow
// the environment it was started in (src/server/config.ts).
process.env.MYPAY_NODE_ENV ||= process.env.NODE_ENV || 'development';
// Next's standalone server listens on HOSTNAME, which shells and containers set to the
// machine name; use HOST instead.
process.env.HOSTNAME = process.env.HOST || '0.0.0.0';
process.env.NEXT_TELEMETRY_DISABLED = '1';
process.chdir(standalone);
await import(server);
