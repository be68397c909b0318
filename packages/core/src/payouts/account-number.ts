/** Destination account formats: one rule, in the contract (the API schema refines with it, use-cases check it). */
export {
  accountNumberIssue,
  accountNumberProblem,
  BANK_ACCOUNT,
  normalizeAccountNumber,
  normalizeMobile,
  WALLET_ACCOUNT,
} from '@mypay/contracts';
