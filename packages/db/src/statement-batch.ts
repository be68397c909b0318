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
  const flush = () => {
    const batch = queue;
    queue = [];
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
    return new Promise((resolve, reject) => {
      if (queue.length === 0) process.nextTick(flush);
      queue.push({
        sql,
        values: values === undefined ? [] : Array.isArray(values) ? values : [values],
        resolve,
        reject,
      });
    });
  };
  return new Proxy(conn, {
    get(target, property, receiver) {
      if (property === 'query') return query;
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        flush();
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
}
