import { isAppError } from '@mypay/core';
import { notFound } from 'next/navigation';

/** What a form shows after a failed action. */
export interface FormState {
  ok?: boolean;
  error?: string;
  message?: string;
  fields?: Record<string, string>;
}

/** Domain errors become a message the form shows; anything else is logged and shown generically. */
export function toFormState(error: unknown): FormState {
  if (isAppError(error)) {
    const fields: Record<string, string> = {};
    for (const d of error.details ?? []) if (d.field) fields[d.field] = d.message;
    return { error: error.message, fields };
  }
  console.error('admin-portal action failed', error);
  return { error: 'Something went wrong on our side. Try again in a moment.' };
}

/** A use-case's NOT_FOUND becomes the 404 page. */
export async function orNotFound<T>(work: Promise<T>): Promise<T> {
  try {
    return await work;
  } catch (error) {
    if (isAppError(error) && error.code === 'NOT_FOUND') notFound();
    throw error;
  }
}
