import { isAppError } from '@mypay/core';
import { notFound } from 'next/navigation';
import type { z } from 'zod';

/** What a form shows after a failed action. */
export interface FormState {
  ok?: boolean;
  error?: string;
  fields?: Record<string, string>;
}

/** Domain errors become a message the form shows; anything else is logged and shown generically. */
export function toFormState(error: unknown): FormState {
  if (isAppError(error)) {
    const fields: Record<string, string> = {};
    for (const d of error.details ?? []) if (d.field) fields[d.field] = d.message;
    return { error: error.message, fields };
  }
  console.error('merchant-portal action failed', error);
  return { error: 'Something went wrong on our side. Try again in a moment.' };
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
