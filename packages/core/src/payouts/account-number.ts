/** Destination account formats: one rule, in the contract (the API schema refines with it, use-cases check it). */
export { accountNumberProblem, BANK_ACCOUNT, WALLET_ACCOUNT } from '@mypay/contracts';
