import { isAppError, type Logger } from '@mypay/core';
import { notFound } from 'next/navigation';
import type { z } from 'zod';

/** What a form shows after a failed action. */
export interface FormState {
  ok?: boolean;
  error?: string;
  message?: string;
  fields?: Record<string, string>;
}

/**
 * Domain errors become a message the form shows; anything else is logged and shown generically.
 * A portal's pages call the bound `toFormState` of their portal (definePortal), which passes its logger.
 */
export function toFormState(error: unknown, logger: Logger): FormState {
  const shown = appErrorFormState(error);
  if (shown) return shown;
  logger.error({ err: error }, 'portal action failed');
  return { error: 'Something went wrong on our side. Try again in a moment.' };
}

/** An AppError as the form shows it (its message, and each detail under its field); null for any other error. */
export function appErrorFormState(error: unknown): FormState | null {
  if (!isAppError(error)) return null;
  const fields: Record<string, string> = {};
  for (const d of error.details ?? []) if (d.field) fields[d.field] = d.message;
  return { error: error.message, fields };
}

/** A form that failed its contract schema: one message per field, named by its dotted path (as the API does). */
export function toFieldErrors(error: z.ZodError, messages: Record<string, string> = {}): FormState {
  const fields: Record<string, string> = {};
  for (const issue of error.issues) {
    const field = issue.path.map(String).join('.');
    fields[field] ??= messages[field] ?? issue.message;
  }
  return { error: 'Check the highlighted fields.', fields };
}

/** A use-case's NOT_FOUND (missing, or another merchant's object) becomes the 404 page. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}
