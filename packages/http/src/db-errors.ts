// Connection-level failures (the database is away), as opposed to errors in a query.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENOTFOUND',
  'EPIPE',
  'PROTOCOL_CONNECTION_LOST',
  'ER_GET_CONNECTION_TIMEOUT',
  'ER_CONNECTION_TIMEOUT',
  'ER_SOCKET_UNEXPECTED_CLOSE',
  'ER_CONNECTION_ALREADY_CLOSED',
  'ER_CMD_CONNECTION_CLOSED',
  'ER_SOCKET',
  'ER_SOCKET_TIMEOUT',
  'ER_POOL_ALREADY_CLOSED',
  'ER_CLOSING_POOL',
  'ER_ADD_CONNECTION_CLOSED_POOL',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_SHUTDOWN',
  // Prisma: can't reach server, timed out, server closed the connection.
  'P1001',
  'P1002',
  'P1017',
]);

const UNAVAILABLE_ERRNOS = new Set([
  1040, 1053, 2002, 2003, 2006, 2013, 45001, 45009, 45012, 45013, 45019, 45026, 45027, 45028, 45035, 45037,
]);

/** True when the error means the database cannot be reached right now (→ 503 DATABASE_UNAVAILABLE). */
export function isDatabaseUnavailableError(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as {
    code?: unknown;
    errno?: unknown;
    cause?: unknown;
    name?: unknown;
    message?: unknown;
    meta?: { driverAdapterError?: { cause?: { code?: unknown } } };
  };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (typeof e.errno === 'number' && UNAVAILABLE_ERRNOS.has(e.errno)) return true;
  // Prisma's driver adapter reports the driver's errno under meta.driverAdapterError.cause.code,
  // whatever the Prisma code (P2010 for a raw query, P2039 for a model call): e.g. 45009, the
  // socket closed mid-transaction.
  const adapterCode = e.meta?.driverAdapterError?.cause?.code;
  if (typeof adapterCode === 'number' && UNAVAILABLE_ERRNOS.has(adapterCode)) return true;
  if (e.name === 'PrismaClientInitializationError') return true;
  if (typeof e.message === 'string' && /pool timeout|failed to create socket|connection refused/i.test(e.message)) {
    return true;
  }
  return isDatabaseUnavailableError(e.cause, depth + 1);
}
