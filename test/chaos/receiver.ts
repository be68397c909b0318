import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { verifySignature } from '@mypay/core';

export type ReceiverMode = 'up' | 'down' | 'slow';

export interface Received {
  eventId: string;
  type: string;
  at: number;
  path: string;
  signatureValid: boolean;
}

/**
 * The merchants' webhook receiver. `down` closes the listener (connections are refused, like a
 * crashed host); `slow` answers 200 only after `slowMs`; `up` answers at once. Every POST that was
 * answered 200 is recorded, with whether its MyPay-Signature verified against the endpoint's secret.
 */
export interface Receiver {
  url: string;
  mode: ReceiverMode;
  received: Received[];
  /** Secrets by path (`/hooks/<n>`), set once the endpoints are registered. */
  secrets: Map<string, string>;
  setMode(mode: ReceiverMode): Promise<void>;
  /** When the receiver last came back from `down` (ms since epoch), or 0. */
  cameBackAt(): number;
  close(): Promise<void>;
}

export async function startReceiver(options: { slowMs: number }): Promise<Receiver> {
  const received: Received[] = [];
  const secrets = new Map<string, string>();
  const sockets = new Set<Socket>();
  let mode: ReceiverMode = 'up';
  let cameBack = 0;
  let port = 0;
  let server: http.Server | null = null;

  const handler: http.RequestListener = (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = () => {
        const raw = Buffer.concat(chunks);
        const path = (req.url ?? '').split('?')[0] ?? '';
        let event: { id?: string; type?: string } = {};
        try {
          event = JSON.parse(raw.toString('utf8')) as typeof event;
        } catch {}
        const secret = secrets.get(path);
        received.push({
          eventId: String(event.id),
          type: String(event.type),
          at: Date.now(),
          path,
          signatureValid: secret ? verifySignature(raw, req.headers['mypay-signature'] as string, secret) : false,
        });
        res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok');
      };
      if (mode === 'slow') setTimeout(answer, options.slowMs);
      else answer();
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      const s = http.createServer(handler);
      s.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      s.once('error', reject);
      s.listen(port, '127.0.0.1', () => {
        port = (s.address() as AddressInfo).port;
        server = s;
        resolve();
      });
    });

  const close = async () => {
    const s = server;
    if (!s) return;
    server = null;
    const closed = new Promise<void>((resolve) => s.close(() => resolve()));
    for (const socket of sockets) socket.destroy();
    await closed;
  };

  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    received,
    secrets,
    async setMode(next) {
      if (next === mode) return;
      if (next === 'down') await close();
      else if (mode === 'down') {
        for (let attempt = 0; ; attempt++) {
          try {
            await listen();
            break;
          } catch (error) {
            if (attempt >= 20) throw error;
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        cameBack = Date.now();
      }
      mode = next;
    },
    cameBackAt: () => cameBack,
    close,
  };
}
