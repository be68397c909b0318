// Runs the built standalone server on PORT (default 4010) and HOST (default 0.0.0.0): see
// packages/portal-server/src/start-standalone.mjs.
import { startStandalone } from '@mypay/portal-server/start-standalone';

await startStandalone(import.meta.url, { name: 'merchant-portal', port: 4010 });
