import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailableError } from '../src/db-errors.ts';

describe('isDatabaseUnavailableError', () => {
  it('when Prisma reports a closed socket under a raw query (P2010, meta.code 45009), then the database is unavailable', () => {
    // The shape PrismaClientKnownRequestError has when the connection drops inside `$queryRawUnsafe`
    // in an interactive transaction (seen in the chaos run: a webhook endpoint created during the cut).
    const error = Object.assign(
      new Error('Raw query failed. Code: `45009`. Message: `socket has unexpectedly been closed`'),
      {
        name: 'PrismaClientKnownRequestError',
        code: 'P2010',
        meta: { code: '45009', message: 'socket has unexpectedly been closed' },
      },
    );
    expect(isDatabaseUnavailableError(error)).toBe(true);
  });

  it('when a raw query fails for a reason of its own (a duplicate key), then it is not unavailability', () => {
    const error = Object.assign(new Error('Raw query failed. Code: `1062`.'), {
      name: 'PrismaClientKnownRequestError',
      code: 'P2010',
      meta: { code: '1062', message: 'Duplicate entry' },
    });
    expect(isDatabaseUnavailableError(error)).toBe(false);
  });
});
