import { createDb, type Db } from '@mypay/db';
import { getConfig } from './config.ts';

const holder = globalThis as unknown as { __mypayAdminPortalDb?: Db };

/** One pool per server process (kept across dev reloads). */
export function getDb(): Db {
  holder.__mypayAdminPortalDb ??= createDb(getConfig().databaseUrl, { connectionLimit: 10 });
  return holder.__mypayAdminPortalDb;
}
