import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

// A caller's id is echoed only when it is short and printable, so it is safe in logs and headers.
const ACCEPTABLE_REQUEST_ID = /^[\w.:@/+=-]{1,128}$/;

export function requestId() {
  return (req: Request, res: Response, next: NextFunction) => {
    const incoming = req.get('x-request-id');
    req.id = incoming && ACCEPTABLE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', req.id);
    next();
  };
}

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id (X-Request-Id), set by requestId(); the log lines carry it as `requestId`. */
    id?: string;
  }
}

/** The request's id as a string (set by requestId()). */
export const requestIdOf = (req: Request): string => String(req.id ?? '');
