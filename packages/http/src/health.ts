import type { Request, Response } from 'express';

export interface HealthOptions {
  /** Resolves when the database answers; rejects (or times out) otherwise. */
  ping: () => Promise<void>;
  version: string;
  startedAt?: number;
  /** Extra figures of the process (the request log's buffered/written/dropped counts). */
  details?: () => Record<string, unknown>;
}

/** `{status, db, version, uptimeSeconds}`; 503 with `db:"down"` while the database does not answer. */
export function healthHandler(options: HealthOptions) {
  const startedAt = options.startedAt ?? Date.now();
  return async (_req: Request, res: Response) => {
    let up = true;
    try {
      await options.ping();
    } catch {
      up = false;
    }
    res.setHeader('Cache-Control', 'no-store');
    res.status(up ? 200 : 503).json({
      status: up ? 'ok' : 'degraded',
      db: up ? 'up' : 'down',
      version: options.version,
      uptimeSeconds: Math.floor((Date.now() - startedAt) / 1000),
      ...(options.details && { details: options.details() }),
    });
  };
}
