export {
  DEFAULT_BASE_URL,
  DEFAULT_PAYMENT_BASE_URL,
  derivePaymentBaseUrl,
  type ListenOptions,
  type ListenState,
  MyPay,
  type MyPayOptions,
  type StreamedEvent,
} from './client.ts';
export { type ClientErrorCode, isMyPayError, MyPayError, type MyPayErrorDetail } from './errors.ts';
export { parseSse, type SseMessage } from './sse.ts';
export { parseRetryAfter, type RequestOptions, type RetryPolicy } from './transport.ts';
export type * from './types.ts';
export {
  checkWebhook,
  constructWebhookEvent,
  DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  SIGNATURE_HEADER,
  type SignatureCheck,
  signWebhook,
  type VerifyWebhookOptions,
  verifyWebhook,
} from './webhooks.ts';
