import { AppError, type ErrorDetail } from '@mypay/core';
import { type ZodType, z } from 'zod';

/** One detail per bad field, named by its dotted path (`destination.accountNumber`). */
export function zodIssuesToDetails(error: z.ZodError, prefix?: string): ErrorDetail[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    const field = [prefix, path].filter(Boolean).join('.') || prefix || '(root)';
    // A custom rule may name itself (`params.code`, e.g. INVALID_IBAN_CHECKSUM) rather than zod's `custom`.
    const named = issue.code === 'custom' ? (issue.params as { code?: unknown } | undefined)?.code : undefined;
    return { field, message: issue.message, code: typeof named === 'string' ? named : issue.code };
  });
}

/** Parses `data` or throws 400 VALIDATION_ERROR naming each bad field. `where` prefixes paths, e.g. `query`. */
export function parseOrThrow<S extends ZodType>(schema: S, data: unknown, where?: string): z.output<S> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  throw new AppError('VALIDATION_ERROR', 'the request is not valid', zodIssuesToDetails(result.error, where));
}

export const parseBody = <S extends ZodType>(schema: S, body: unknown) => {
  // No body or a non-JSON content type: report the body as missing rather than every field.
  if (body === undefined) {
    throw new AppError('VALIDATION_ERROR', 'the request needs a JSON body (Content-Type: application/json)', [
      { field: 'body', message: 'required' },
    ]);
  }
  return parseOrThrow(schema, body);
};
/**
 * Parses the query string; a parameter the schema does not know is 400 VALIDATION_ERROR naming it
 * (a misspelt filter must not silently return everything).
 */
export const parseQuery = <S extends z.ZodObject>(schema: S, query: unknown): z.output<S> => {
  const known = Object.keys(schema.shape);
  const unknown = Object.keys((query as Record<string, unknown> | undefined) ?? {}).filter(
    (name) => !known.includes(name),
  );
  if (unknown.length > 0) {
    throw new AppError(
      'VALIDATION_ERROR',
      `unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
      unknown.map((name) => ({
        field: name,
        message: known.length
          ? `unknown query parameter (this route takes ${known.join(', ')})`
          : 'this route takes no query parameters',
      })),
    );
  }
  return parseOrThrow(schema, query);
};
export const parseParams = <S extends ZodType>(schema: S, params: unknown) => parseOrThrow(schema, params);

export { z };
