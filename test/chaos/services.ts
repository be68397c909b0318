import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../support/ports.ts';

export { freePort };

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

export type ServiceKind = 'payout-api' | 'payment-api';

/**
 * One API process started as the image starts it (`node --import tsx src/server.ts`), its stdout
 * and stderr kept in memory (for the log checks) and mirrored to a file (for a human after a red run).
 */
export interface Service {
  name: string;
  kind: ServiceKind;
  port: number;
  base: string;
  child: ChildProcess | null;
  /** Every log line this service printed, across restarts. */
  lines: string[];
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): Promise<void>;
}

export async function createService(options: {
  name: string;
  kind: ServiceKind;
  env: Record<string, string>;
  logDir: string;
}): Promise<Service> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  mkdirSync(options.logDir, { recursive: true });
  const file: WriteStream = createWriteStream(`${options.logDir}/${options.name}.log`, { flags: 'a' });
  const lines: string[] = [];
  const collect = (stream: NodeJS.ReadableStream | null) => {
    let partial = '';
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      file.write(chunk);
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      for (const line of parts) if (line) lines.push(line);
    });
    stream?.on('end', () => {
      if (partial) lines.push(partial);
      partial = '';
    });
  };

  const service: Service = {
    name: options.name,
    kind: options.kind,
    port,
    base,
    child: null,
    lines,
    async start() {
      const child = spawn(process.execPath, ['--import', 'tsx', `services/${options.kind}/src/server.ts`], {
        cwd: ROOT,
        env: { ...process.env, ...options.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      collect(child.stdout);
      collect(child.stderr);
      service.child = child;
      // Bounded: a loaded 2-core machine can take a while to load tsx and Prisma.
      const deadline = Date.now() + 90_000;
      while (Date.now() < deadline) {
        if (child.exitCode !== null) throw new Error(`${options.name} exited with ${child.exitCode}`);
        const ok = await fetch(`${base}/health`, { signal: AbortSignal.timeout(2_000) }).then(
          (r) => r.status === 200,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      child.kill('SIGKILL');
      throw new Error(`${options.name} did not become healthy`);
    },
    async kill(signal) {
      const child = service.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
      await exited;
      clearTimeout(timer);
    },
  };
  return service;
}
