import express from 'express';

export const DEFAULT_BODY_LIMIT = '100kb';

/**
 * JSON bodies only, up to `limit` (SPEC: 100 KB → 413). Parse failures reach the error handler
 * as body-parser errors (400 INVALID_JSON / 413 PAYLOAD_TOO_LARGE).
 */
export function jsonBody(options: { limit?: string | number } = {}) {
  return express.json({
    limit: options.limit ?? DEFAULT_BODY_LIMIT,
    strict: true,
    type: ['application/json', 'application/*+json'],
  });
}
