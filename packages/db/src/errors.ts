/**
 * What a database error means, in one place: every package asks these instead of reading
 * `errno` itself. Each looks through the shapes the errors come in: the mariadb driver's
 * (`errno`), Prisma's (`code` P…, with the server's errno under `meta.driverAdapterError.cause`)
 * and wrapped errors (`cause`).
 */

/** MariaDB/MySQL server error numbers the code acts on. */
export const SQL_ERRNO = {
  DUPLICATE_ENTRY: 1062,
  LOCK_WAIT_TIMEOUT: 1205,
  DEADLOCK: 1213,
  /** MySQL 8.0.16+: ER_CHECK_CONSTRAINT_VIOLATED. */
  CHECK_VIOLATION_MYSQL: 3819,
  /** MariaDB: ER_CONSTRAINT_FAILED. */
  CHECK_VIOLATION_MARIADB: 4025,
} as const;

type DbErrorShape = {
  errno?: unknown;
  code?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: { cause?: { code?: unknown; originalCode?: unknown } } };
};

/** True when `error` (or an error it wraps) carries one of `errnos`, or one of the Prisma `prismaCodes`. */
function hasSqlError(error: unknown, errnos: number[], prismaCodes: string[], depth = 0): boolean {
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const e = error as DbErrorShape;
  if (typeof e.errno === 'number' && errnos.includes(e.errno)) return true;
  if (typeof e.code === 'string' && prismaCodes.includes(e.code)) return true;
  // The driver adapter keeps the server's errno as `code` (a number) or `originalCode` (its text).
  const adapter = e.meta?.driverAdapterError?.cause;
  const adapterCode = typeof adapter?.code === 'number' ? adapter.code : Number(adapter?.originalCode);
  if (errnos.includes(adapterCode)) return true;
  return hasSqlError(e.cause, errnos, prismaCodes, depth + 1);
}

/** The server's own message (the driver's `sqlMessage`), else the error's. */
function serverMessage(error: unknown): string {
  return String((error as { sqlMessage?: unknown; message?: unknown })?.sqlMessage ?? (error as Error)?.message ?? '');
}

/** A unique index refused the row (duplicate entry; Prisma P2002). */
export const isUniqueViolation = (error: unknown): boolean =>
  hasSqlError(error, [SQL_ERRNO.DUPLICATE_ENTRY], ['P2002']);

/**
 * A unique violation of the named index (`Payout_merchantId_reference_key`): the server's
 * message names it — `for key 'name'` on MariaDB, `for key 'Table.name'` on MySQL 8.0. For a
 * failed statement batch, where every statement carries the error of the one that failed.
 */
export function isUniqueViolationOf(error: unknown, indexName: string): boolean {
  if (!isUniqueViolation(error)) return false;
  const message = serverMessage(error);
  return message.includes(`.${indexName}'`) || message.includes(`'${indexName}'`);
}

/**
 * The named CHECK constraint refused the row (`MerchantBalance_available_floor`): the message
 * names it — ``CONSTRAINT `name` failed for …`` on MariaDB, ``Check constraint 'name' is
 * violated.`` on MySQL 8.0. Whatever the sql_mode, both servers refuse such a statement with an
 * error (not a warning).
 */
export function isCheckViolationOf(error: unknown, constraintName: string): boolean {
  if (!hasSqlError(error, [SQL_ERRNO.CHECK_VIOLATION_MARIADB, SQL_ERRNO.CHECK_VIOLATION_MYSQL], [])) return false;
  const message = serverMessage(error);
  return message.includes(`\`${constraintName}\``) || message.includes(`'${constraintName}'`);
}

/** A lock was not granted within innodb_lock_wait_timeout. */
export const isLockWaitTimeout = (error: unknown): boolean => hasSqlError(error, [SQL_ERRNO.LOCK_WAIT_TIMEOUT], []);

/** The server picked this transaction as a deadlock victim. */
export const isDeadlock = (error: unknown): boolean => hasSqlError(error, [SQL_ERRNO.DEADLOCK], []);

/** True for errors a transaction should simply be retried on (deadlock, lock wait timeout). */
export function isRetryableTxError(error: unknown): boolean {
  const e = error as { errno?: number; code?: string; cause?: unknown; meta?: { code?: string } };
  if (e?.errno === SQL_ERRNO.DEADLOCK || e?.errno === SQL_ERRNO.LOCK_WAIT_TIMEOUT) return true;
  if (e?.code === 'P2034') return true; // Prisma: write conflict or deadlock
  const text = String((e as { message?: string })?.message ?? '');
  if (/deadlock|lock wait timeout/i.test(text)) return true;
  return e?.cause ? isRetryableTxError(e.cause) : false;
}

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
  // Prisma gave up waiting for a connection to start an interactive transaction (its maxWait ran
  // out before the pool's acquire timeout could answer): the database is away or every
  // connection is busy — either way, try again later.
  if (e.code === 'P2028' && typeof e.message === 'string' && /unable to start a transaction/i.test(e.message)) {
    return true;
  }
  if (typeof e.message === 'string' && /pool timeout|failed to create socket|connection refused/i.test(e.message)) {
    return true;
  }
  return isDatabaseUnavailableError(e.cause, depth + 1);
}
