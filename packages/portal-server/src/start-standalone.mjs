// Runs the standalone server that `next build` wrote (output: 'standalone') for one portal, on
// PORT (default: the portal's) and HOST (default 0.0.0.0). DATABASE_URL and the other settings
// are read by the app itself. Static assets are copied beside the server, as Next expects.
// Plain JavaScript: `pnpm start` runs it with node, before any TypeScript loader.
import { cpSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * @param {string} scriptUrl the portal's scripts/start.mjs (its `import.meta.url`)
 * @param {{ name: string, port: number }} portal the folder and package name, and the default port
 */
export async function startStandalone(scriptUrl, { name, port }) {
  const app = path.resolve(path.dirname(fileURLToPath(scriptUrl)), '..');
  const standalone = path.join(app, `.next/standalone/apps/${name}`);
  const server = path.join(standalone, 'server.js');
  if (!existsSync(server)) {
    process.stderr.write(`${name}: no build found; run \`pnpm --filter @mypay/${name} build\` first\n`);
    process.exit(1);
  }
  cpSync(path.join(app, '.next/static'), path.join(standalone, '.next/static'), { recursive: true });
  if (existsSync(path.join(app, 'public'))) {
    cpSync(path.join(app, 'public'), path.join(standalone, 'public'), { recursive: true });
  }

  process.env.PORT ||= String(port);
  // The standalone server sets NODE_ENV=production for React; the app's own settings follow
  // the environment it was started in (definePortalConfig reads MYPAY_NODE_ENV).
  process.env.MYPAY_NODE_ENV ||= process.env.NODE_ENV || 'development';
  // Next's standalone server listens on HOSTNAME, which shells and containers set to the
  // machine name; use HOST instead.
  process.env.HOSTNAME = process.env.HOST || '0.0.0.0';
  process.env.NEXT_TELEMETRY_DISABLED = '1';
  process.chdir(standalone);
  await import(server);
}
