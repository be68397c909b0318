import { randomBytes } from 'node:crypto';
import type { EventType } from '@mypay/contracts';
import { toCheckoutResource } from '../checkouts/checkout-resource.ts';
import { toPaymentResource } from '../payments/payment-resource.ts';
import { toPayoutResource } from '../payouts/payout-resource.ts';
import { toRefundResource } from '../refunds/refund-resource.ts';

/**
 * The `data.object` of a test event of a chosen type: a made-up object of that type, built with
 * the same mappers the API answers with (so it has exactly the documented shape). Its ids carry
 * `_sample` so a handler can tell it from a real one; it exists nowhere else.
 */
export function sampleEventObject(type: EventType, merchantId: string, now: Date, publicUrl: string): unknown {
  const tag = randomBytes(6).toString('hex');
  const ids = {
    payout: `po_sample${tag}`,
    checkout: `cs_sample${tag}`,
    payment: `txn_sample${tag}`,
    refund: `re_sample${tag}`,
  };
  const base = { merchantId, currency: 'PKR', createdAt: now, updatedAt: now, nextTransitionAt: null };
  const failed = (code: string, message: string) => ({ failureCode: code, failureMessage: message });
  const noFailure = { failureCode: null, failureMessage: null };
  const [family, step] = type.split('.') as [string, string];

  if (family === 'payout') {
    const status = { created: 'PENDING', processing: 'PROCESSING', completed: 'COMPLETED' }[step] ?? step.toUpperCase();
    return toPayoutResource({
      ...base,
      id: ids.payout,
      amount: 150_000,
      destinationType: 'wallet',
      provider: 'JAZZCASH',
      accountNumber: '03000000001',
      accountTitle: 'Test Account',
      reference: `sample-${tag}`,
      description: 'Sample payout of a test event',
      metadata: null,
      status: status as never,
      scenario: 'SUCCESS',
      ...(step === 'failed' ? failed('ACCOUNT_BLOCKED', 'the receiving account is blocked') : noFailure),
    });
  }
  if (family === 'checkout') {
    const status = { completed: 'COMPLETED', expired: 'EXPIRED', cancelled: 'CANCELLED' }[step] ?? 'OPEN';
    return toCheckoutResource(
      {
        ...base,
        id: ids.checkout,
        amount: 250_000,
        orderId: `sample-${tag}`,
        customerMobile: '03000000001',
        customerEmail: null,
        successUrl: 'https://example.com/mypay/success',
        cancelUrl: 'https://example.com/mypay/cancel',
        status: status as never,
        expiresAt: new Date(now.getTime() + 30 * 60_000),
        completedAt: step === 'completed' ? now : null,
      },
      publicUrl,
    );
  }
  if (family === 'payment') {
    const status = { succeeded: 'SUCCEEDED', failed: 'FAILED', refunded: 'REFUNDED' }[step] ?? 'SUCCEEDED';
    return toPaymentResource({
      ...base,
      id: ids.payment,
      checkoutId: ids.checkout,
      orderId: `sample-${tag}`,
      amount: 250_000,
      amountRefunded: step === 'refunded' ? 250_000 : 0,
      provider: 'JAZZCASH',
      mobile: '03000000001',
      status: status as never,
      scenario: 'SUCCESS',
      ...(step === 'failed' ? failed('ACCOUNT_BLOCKED', 'the payer account is blocked') : noFailure),
    });
  }
  if (family === 'refund') {
    const status = { created: 'PENDING', succeeded: 'SUCCEEDED', failed: 'FAILED' }[step] ?? 'PENDING';
    return toRefundResource(
      {
        ...base,
        id: ids.refund,
        transactionId: ids.payment,
        amount: 50_000,
        status: status as never,
        reason: 'sample refund of a test event',
        scenario: 'SUCCESS',
        ...(step === 'failed' ? failed('TIMEOUT', 'the wallet did not confirm the refund in time') : noFailure),
      },
      ids.checkout,
    );
  }
  return { object: 'webhook_test', message: 'Test event from MyPay Sandbox', sentAt: now.toISOString() };
}
