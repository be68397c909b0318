import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createServer } from 'node:net';

/**
 * A port nothing listens on right now (the OS picks it), for a process a test or a bench run
 * starts. The one copy: tests, test/ops, test/chaos and bench import it from here.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

export interface Listening {
  url: string;
  close(): Promise<void>;
}

/** Serves `app` (an in-process API) on a free loopback port, for clients that need a real URL. */
export async function listen(app: http.RequestListener): Promise<Listening> {
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
