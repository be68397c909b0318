/** Webhook signatures are part of the wire contract (one home: @mypay/contracts). */
export * from '@mypay/contracts/signature';
