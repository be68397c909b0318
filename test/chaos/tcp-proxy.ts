import net from 'node:net';

/**
 * A loopback TCP proxy in front of MariaDB. Stopping it refuses new connections and destroys the
 * live ones, which to the API processes looks exactly like the database going away (without
 * touching the shared MariaDB server); starting it again on the same port brings it back.
 */
export interface TcpProxy {
  port: number;
  up: boolean;
  start(): Promise<void>;
  /** Refuses new connections and cuts every open one. */
  stop(): Promise<void>;
  /** Connections accepted since creation, and cut by stop(). */
  stats(): { accepted: number; cut: number };
}

export async function createTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let accepted = 0;
  let cut = 0;
  let server: net.Server | null = null;
  let port = 0;

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = net.createServer((client) => {
        accepted++;
        const upstream = net.connect(target.port, target.host);
        sockets.add(client);
        sockets.add(upstream);
        const drop = () => {
          client.destroy();
          upstream.destroy();
          sockets.delete(client);
          sockets.delete(upstream);
        };
        client.on('error', drop).on('close', drop);
        upstream.on('error', drop).on('close', drop);
        client.pipe(upstream);
        upstream.pipe(client);
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as net.AddressInfo).port;
        server = s;
        resolve();
      });
    });

  await listen();
  const proxy: TcpProxy = {
    get port() {
      return port;
    },
    get up() {
      return server !== null;
    },
    async start() {
      if (server) return;
      // The port was ours a moment ago; on a busy machine give the kernel a few tries.
      for (let attempt = 0; ; attempt++) {
        try {
          await listen();
          return;
        } catch (error) {
          if (attempt >= 20) throw error;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    },
    async stop() {
      const s = server;
      if (!s) return;
      server = null;
      const closed = new Promise<void>((resolve) => s.close(() => resolve()));
      cut += sockets.size / 2;
      for (const socket of sockets) socket.destroy();
      sockets.clear();
      await closed;
    },
    stats: () => ({ accepted, cut: Math.round(cut) }),
  };
  return proxy;
}
