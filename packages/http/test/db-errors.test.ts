import { describe, expect, it } from 'vitest';
import { isDatabaseUnavailableError } from '../src/db-errors.ts';

/** A PrismaClientKnownRequestError as the driver adapter makes it (shape copied from a chaos-run log line). */
const prismaError = (prismaCode: string, driverCode: number, message: string) =>
  Object.assign(new Error(`Database error. Code: \`${driverCode}\`. Message: \`${message}\``), {
    name: 'PrismaClientKnownRequestError',
    code: prismaCode,
    clientVersion: '7.10.0',
    meta: {
      driverAdapterError: {
        name: 'DriverAdapterError',
        cause: { originalCode: String(driverCode), originalMessage: message, kind: 'mysql', code: driverCode, message },
      },
    },
  });

describe('isDatabaseUnavailableError', () => {
  it.each([
    ['P2010', 'a raw query'],
    ['P2039', 'a model call'],
  ])('when Prisma reports a socket closed under %s (%s), then the database is unavailable', (code) => {
    expect(isDatabaseUnavailableError(prismaError(code, 45009, 'socket has unexpectedly been closed'))).toBe(true);
  });

  it('when a Prisma call fails for a reason of its own (a duplicate key), then it is not unavailability', () => {
    expect(isDatabaseUnavailableError(prismaError('P2010', 1062, "Duplicate entry 'x' for key 'y'"))).toBe(false);
  });
});
