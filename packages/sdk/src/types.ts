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
  listTestClocksQuery,
  listTransactionsQuery,
  MyPayEvent,
  paymentSchema,
  payoutList,
  payoutWithEvents,
  redeliverBody,
  redeliveryResult,
  scenarioSchema,
  sendTestEventBody,
  simulatePayoutBody,
  testClockList,
  testClockSchema,
  testEventResult,
  transactionList,
  verifyAccountBody,
  verifyAccountResult,
  walletSchema,
  webhookEndpointList,
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
export type SendTestEventParams = z.input<typeof sendTestEventBody>;
export type TestEventResult = z.output<typeof testEventResult>;
