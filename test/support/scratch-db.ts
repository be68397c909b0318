import { randomBytes } from 'node:crypto';
import { createPool, parseDatabaseUrl } from '@mypay/db';

/** The server of the test database (DATABASE_URL), for creating scratch databases next to it. */
export function testServerUrl(): string {
  return process.env.DATABASE_URL || 'mysql://root@127.0.0.1:3306/mypay_test';
}

export interface ScratchDatabase {
  name: string;
  url: string;
  drop(): Promise<void>;
}

/** An empty database with a unique name on the test server; drop() removes it. */
export async function createScratchDatabase(label = 'scratch'): Promise<ScratchDatabase> {
  const base = parseDatabaseUrl(testServerUrl());
  const name = `mypay_${label}_${randomBytes(4).toString('hex')}`;
  const admin = createPool({ ...base, database: base.database }, { connectionLimit: 1 });
  try {
    await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  } finally {
    await admin.end();
  }
  const url = new URL(testServerUrl());
  url.pathname = `/${name}`;
  return {
    name,
    url: url.toString(),
    async drop() {
      const pool = createPool({ ...base }, { connectionLimit: 1 });
      try {
        await pool.query(`DROP DATABASE IF EXISTS \`${name}\``);
      } finally {
        await pool.end();
      }
    },
  };
}
