import type * as mariadb from 'mariadb';

interface Pending {
  sql: string;
  values: unknown[];
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

/** Set on an error that failed a whole batch: the statements sent with the one that failed. */
export interface BatchFailure {
  batchStatements?: string[];
}

/**
 * A connection whose statements sent in one tick reach the server as **one** multi-statement
 * query (the pool has `multipleStatements`): one packet to the server and one command for the
 * driver, instead of one of each per statement — on a payout create, 8 statements become one.
 * Each caller still gets its own statement's result. The server runs them in order and stops at
 * the first that fails; every statement of that batch is then rejected with that error (the ones
 * before it ran, the ones after it did not — the transaction is rolled back either way), so a
 * caller that reads meaning into an error (a duplicate key) must check which key it names. The
 * error carries the batch's statements (`batchStatements`).
 *
 * Only `query(sql: string, values?)` is batched; anything else (an options object, `execute`,
 * `batch`) first sends what is queued, so the order on the connection is kept.
 */
export function batchingConnection(conn: mariadb.PoolConnection): mariadb.PoolConnection {
  let queue: Pending[] = [];
  const enqueue = (sql: string, values: unknown[]) =>
    new Promise((resolve, reject) => {
      if (queue.length === 0) process.nextTick(flush);
      queue.push({ sql, values, resolve, reject });
    });
  // commitWith: COMMIT behind what this tick queued, in the same query, or nothing at all.
  let committing: Promise<void> | undefined;
  let commitQueued = false;
  const queueCommit = (): Promise<void> => {
    if (queue.length === 0) {
      throw new Error('commitWith must be called in the tick its writes were sent: they have gone without it');
    }
    if (committing) throw new Error('commitWith was called twice on one transaction');
    const commit = enqueue('COMMIT', []);
    const restore = enqueue('SET autocommit = 1', []);
    commitQueued = true;
    committing = Promise.all([commit, restore]).then(() => {});
    commits.set(proxy, committing);
    return committing;
  };
  const flush = () => {
    const batch = queue;
    queue = [];
    commitQueued = false;
    if (batch.length === 0) return;
    if (batch.length === 1) {
      const [one] = batch as [Pending];
      conn.query(one.sql, one.values).then(one.resolve, one.reject);
      return;
    }
    conn
      .query(
        batch.map((s) => s.sql).join(';\n'),
        batch.flatMap((s) => s.values),
      )
      .then(
        (results) => {
          const list = results as unknown[];
          batch.forEach((s, i) => {
            s.resolve(list[i]);
          });
        },
        (error: unknown) => {
          if (error && typeof error === 'object') {
            (error as BatchFailure).batchStatements = batch.map((s) => s.sql);
          }
          for (const s of batch) s.reject(error);
        },
      );
  };
  const query = (sql: unknown, values?: unknown) => {
    if (typeof sql !== 'string') {
      flush();
      return conn.query(sql as string, values);
    }
    const list = values === undefined ? [] : Array.isArray(values) ? values : [values];
    if (!committing) return enqueue(sql, list);
    // After commitWith, a statement would run outside the transaction: behind COMMIT in its
    // batch, or after the COMMIT went through. It is refused then. Once the commit has failed
    // (nothing committed, the transaction still open), statements run as usual: a read to
    // explain a refusal, the ROLLBACK.
    if (commitQueued) return Promise.reject(new Error(`a statement sent after commitWith: ${sql.slice(0, 60)}`));
    return committing.then(
      () => {
        throw new Error(`a statement sent after commitWith committed: ${sql.slice(0, 60)}`);
      },
      () => enqueue(sql, list),
    );
  };
  const proxy: mariadb.PoolConnection = new Proxy(conn, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      if (property === QUEUE_COMMIT) return queueCommit;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        flush();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return proxy;
}

const QUEUE_COMMIT = Symbol('queueCommit');
/** The commit each batching connection sent with commitWith (withSqlTransaction reads it). */
const commits = new WeakMap<object, Promise<void>>();

/**
 * Commits the transaction **in the same query** as the statements just sent on `conn` (a
 * connection of withBatchedTransaction): COMMIT and the session's `autocommit = 1` go behind
 * them. The server stops at a batch's first failing statement, so the COMMIT runs only when
 * every write went in: each refusal must therefore be an error of a statement (a unique key, a
 * CHECK constraint), never a check of a result in JavaScript — by the time a result is read, the
 * transaction has committed. Awaits `writes` and the commit, in order; throws the first failure
 * (and then nothing committed). Called later than the tick the writes were sent in, it throws:
 * a COMMIT of its own would commit whatever part of a failed batch had run.
 */
export async function commitWith(conn: mariadb.PoolConnection, writes: Promise<unknown>[]): Promise<void> {
  const queue = (conn as unknown as Record<symbol, (() => Promise<void>) | undefined>)[QUEUE_COMMIT];
  if (!queue) throw new Error('commitWith needs a connection of withBatchedTransaction');
  const commit = queue();
  const results = await Promise.allSettled([...writes, commit]);
  for (const result of results) if (result.status === 'rejected') throw result.reason;
}

/** The commit commitWith sent on `conn`, if it did. */
export function sentCommit(conn: mariadb.PoolConnection): Promise<void> | undefined {
  return commits.get(conn);
}
