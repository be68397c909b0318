import type { CheckoutResource, CheckoutStatus, Page, PaymentResource } from '@mypay/core';
import * as core from '@mypay/core';
import type { Db } from '@mypay/db';

/**
 * Payment use-cases the portal needs that the Payment API work has not exported yet
 * (listCheckouts, getTransactionOrThrow). Looked up by name so the portal builds either way;
 * a page shows "not available yet" until the use-case lands in @mypay/core.
 */
type ListCheckouts = (
  db: Db,
  input: {
    merchantId: string;
    limit: number;
    cursor?: string | undefined;
    status?: CheckoutStatus | undefined;
    from?: Date | undefined;
    to?: Date | undefined;
  },
  publicUrl: string,
) => Promise<Page<CheckoutResource>>;

type GetTransactionOrThrow = (db: Db, merchantId: string, transactionId: string) => Promise<PaymentResource>;

const lookup = <T>(name: string): T | undefined => (core as unknown as Record<string, unknown>)[name] as T | undefined;

export const listCheckoutsUseCase = () => lookup<ListCheckouts>('listCheckouts');
export const getTransactionUseCase = () => lookup<GetTransactionOrThrow>('getTransactionOrThrow');
