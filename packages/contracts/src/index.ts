/**
 * @mypay/contracts — the wire contract of both APIs, in one place: every request, response and
 * event schema (zod) and the enums. Services validate and document with these objects (their
 * OpenAPI documents are generated from them), the SDK infers its types from them, the portals
 * parse their forms with them. Depends on zod only.
 */
export * from './common.ts';
export * from './errors.ts';
export * from './pakistani-accounts.ts';
export * from './payments.ts';
export * from './payouts.ts';
export * from './platform.ts';
export * from './reference.ts';
export * from './request-logs.ts';
export * from './signature.ts';
export * from './test-clocks.ts';
export * from './webhooks.ts';
