import { randomBytes } from 'node:crypto';
import { createDatabase, dropDatabase, withDatabaseName } from '@mypay/db';

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
  const name = `mypay_${label}_${randomBytes(4).toString('hex')}`;
  const url = withDatabaseName(testServerUrl(), name);
  await createDatabase(url);
  return { name, url, drop: () => dropDatabase(url) };
}
