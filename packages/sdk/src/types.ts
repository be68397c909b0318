/**
 * Every request and response type of the SDK, inferred from the zod schemas the services validate
 * and document with (the same objects that produce their OpenAPI documents). Type-only imports:
 * none of the services' code is loaded at run time.
 */
import type { ErrorCode } from '@mypay/core/errors';
import type { EventType } from '@mypay/core/webhooks/enqueue-event';
import type { checkoutSchema, checkoutWithTransaction, createCheckoutBody } from '@mypay/payment-api/checkouts/schemas';
import type {
  completePaymentBody,
  listTransactionsQuery,
  paymentSchema,
  transactionList,
} from '@mypay/payment-api/payments/schemas';
import type { sendTestEventBody, testEventResult } from '@mypay/payment-api/webhooks/routes';
import type { balanceSchema } from '@mypay/payout-api/balance/routes';
import type {
  bankSchema,
  verifyAccountBody,
  verifyAccountResult,
  walletSchema,
} from '@mypay/payout-api/directory/routes';
import type { eventStreamQuery } from '@mypay/payout-api/events-stream/schemas';
import type {
  createPayoutBody,
  listPayoutsQuery,
  payoutList,
  payoutWithEvents,
} from '@mypay/payout-api/payouts/schemas';
import type { simulatePayoutBody } from '@mypay/payout-api/sandbox/routes';
import type { scenarioSchema } from '@mypay/payout-api/scenarios/routes';
import type {
  createdWebhookEndpointSchema,
  createWebhookEndpointBody,
  deletedWebhookEndpoint,
  eventDetailSchema,
  eventList,
  eventSchema,
  listEventsQuery,
  redeliverBody,
  redeliveryResult,
  webhookEndpointList,
} from '@mypay/payout-api/webhooks/schemas';
import type { z } from 'zod';

export type { ErrorCode, EventType };

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
export type MyPayEvent = z.output<typeof eventSchema>;
export type EventDetail = z.output<typeof eventDetailSchema>;
export type ListEventsParams = Partial<z.output<typeof listEventsQuery>>;
export type EventList = z.output<typeof eventList>;
export type RedeliverParams = z.input<typeof redeliverBody>;
export type Redelivery = z.output<typeof redeliveryResult>;
export type EventStreamQuery = z.output<typeof eventStreamQuery>;

// Payment API
export type CreateCheckoutParams = z.input<typeof createCheckoutBody>;
export type Checkout = z.output<typeof checkoutSchema>;
export type CheckoutWithTransaction = z.output<typeof checkoutWithTransaction>;
export type CompletePaymentParams = z.input<typeof completePaymentBody>;
export type PaymentTransaction = z.output<typeof paymentSchema>;
export type ListTransactionsParams = Partial<z.output<typeof listTransactionsQuery>>;
export type TransactionList = z.output<typeof transactionList>;
export type SendTestEventParams = z.input<typeof sendTestEventBody>;
export type TestEventResult = z.output<typeof testEventResult>;
