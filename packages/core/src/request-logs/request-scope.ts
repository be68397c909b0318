import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The API request the current code runs for, so an event written anywhere below a route names
 * the request that caused it (`request: {id, idempotencyKey}` in the event body) without every
 * use-case taking it as an argument. Set by the HTTP layer around a request's handling; workers
 * and clocks run outside any request, so their events carry `request: null`.
 */
export interface RequestScope {
  id: string;
  idempotencyKey: string | null;
}

const storage = new AsyncLocalStorage<RequestScope>();

export function runInRequestScope<T>(scope: RequestScope, work: () => T): T {
  return storage.run(scope, work);
}

/** Runs `work` outside any request (a worker loop started from a request must not inherit it). */
export function runOutsideRequestScope<T>(work: () => T): T {
  return storage.exit(work);
}

export const currentRequestScope = (): RequestScope | null => storage.getStore() ?? null;
