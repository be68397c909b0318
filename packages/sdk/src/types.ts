/**
 * Every request and response type of the SDK, inferred from the zod schemas of @mypay/contracts —
 * the objects the services validate and document with (their OpenAPI documents come from them).
 * Type-only imports: no schema code is loaded at run time.
 */
import type {
  advanceTestClockBody,
  balanceSchema,
  bankSchema,
  checkoutList,
  checkoutSchema,
  checkoutWithTransaction,
  completePaymentBody,
  createCheckoutBody,
  createdWebhookEndpointSchema,
  createPayoutBody,
  createRefundBody,
  createTestClockBody,
  createWebhookEndpointBody,
  deletedTestClock,
  deletedWebhookEndpoint,
  ErrorCode,
  EventType,
  eventDetailSchema,
  eventList,
  eventStreamQuery,
  listCheckoutsQuery,
  listEventsQuery,
  listPayoutsQuery,
  listRefundsQuery,
  listRequestLogsQuery,
  listTestClocksQuery,
  listTransactionsQuery,
  MyPayEvent,
  paymentSchema,
  payoutList,
  payoutWithEvents,
  redeliverBody,
  redeliveryResult,
  refundList,
  refundSchema,
  requestLogDetailSchema,
  requestLogList,
  requestLogSchema,
  rotatedWebhookEndpointSchema,
  rotateWebhookSecretBody,
  scenarioSchema,
  sendTestEventBody,
  simulatePayoutBody,
  testClockList,
  testClockSchema,
  testEventResult,
  transactionList,
  updateWebhookEndpointBody,
  verifyAccountBody,
  verifyAccountResult,
  walletSchema,
  webhookEndpointDetailSchema,
  webhookEndpointList,
  webhookEndpointSchema,
} from '@mypay/contracts';
import type { z } from 'zod';

export type { ErrorCode, EventType, MyPayEvent };

// Payout API
export type CreatePayoutParams = z.input<typeof createPayoutBody>;
export type Payout = z.output<typeof payoutWithEvents>;
export type PayoutStatus = Payout['status'];
export type ListPayoutsParams = Partial<z.output<typeof listPayoutsQuery>>;
export type PayoutList = z.output<typeof payoutList>;
export type Balance = z.output<typeof balanceSchema>;
export type Scenario = z.output<typeof scenarioSchema>;
export type Bank = z.output<typeof bankSchema>;
export type Wallet = z.output<typeof walletSchema>;
export type VerifyAccountParams = z.input<typeof verifyAccountBody>;
export type VerifyAccountResult = z.output<typeof verifyAccountResult>;
export type SimulatePayoutParams = z.input<typeof simulatePayoutBody>;
export type CreateWebhookEndpointParams = z.input<typeof createWebhookEndpointBody>;
export type CreatedWebhookEndpoint = z.output<typeof createdWebhookEndpointSchema>;
export type WebhookEndpointList = z.output<typeof webhookEndpointList>;
export type DeletedWebhookEndpoint = z.output<typeof deletedWebhookEndpoint>;
export type WebhookEndpoint = z.output<typeof webhookEndpointSchema>;
export type WebhookEndpointDetail = z.output<typeof webhookEndpointDetailSchema>;
export type UpdateWebhookEndpointParams = z.input<typeof updateWebhookEndpointBody>;
export type RotateWebhookSecretParams = z.input<typeof rotateWebhookSecretBody>;
export type RotatedWebhookEndpoint = z.output<typeof rotatedWebhookEndpointSchema>;
export type EventDetail = z.output<typeof eventDetailSchema>;
export type ListEventsParams = Partial<z.output<typeof listEventsQuery>>;
export type EventList = z.output<typeof eventList>;
export type RedeliverParams = z.input<typeof redeliverBody>;
export type Redelivery = z.output<typeof redeliveryResult>;
export type EventStreamQuery = z.output<typeof eventStreamQuery>;
export type CreateTestClockParams = z.input<typeof createTestClockBody>;
export type TestClock = z.output<typeof testClockSchema>;
export type ListTestClocksParams = Partial<z.output<typeof listTestClocksQuery>>;
export type TestClockList = z.output<typeof testClockList>;
export type AdvanceTestClockParams = z.input<typeof advanceTestClockBody>;
export type DeletedTestClock = z.output<typeof deletedTestClock>;

// Request log (served by both APIs; the SDK reads it through the Payout API)
export type RequestLog = z.output<typeof requestLogSchema>;
export type RequestLogDetail = z.output<typeof requestLogDetailSchema>;
export type RequestLogList = z.output<typeof requestLogList>;
export type ListRequestLogsParams = Partial<z.output<typeof listRequestLogsQuery>>;

// Payment API
export type CreateCheckoutParams = z.input<typeof createCheckoutBody>;
export type Checkout = z.output<typeof checkoutSchema>;
export type CheckoutWithTransaction = z.output<typeof checkoutWithTransaction>;
export type ListCheckoutsParams = Partial<z.output<typeof listCheckoutsQuery>>;
export type CheckoutList = z.output<typeof checkoutList>;
export type CompletePaymentParams = z.input<typeof completePaymentBody>;
export type PaymentTransaction = z.output<typeof paymentSchema>;
export type ListTransactionsParams = Partial<z.output<typeof listTransactionsQuery>>;
export type TransactionList = z.output<typeof transactionList>;
export type CreateRefundParams = z.input<typeof createRefundBody>;
export type Refund = z.output<typeof refundSchema>;
export type RefundStatus = Refund['status'];
export type ListRefundsParams = Partial<z.output<typeof listRefundsQuery>>;
export type RefundList = z.output<typeof refundList>;
export type SendTestEventParams = z.input<typeof sendTestEventBody>;
export type TestEventResult = z.output<typeof testEventResult>;
