/** Destination account formats (one place for the rule; the API schema refines with these). */

/** Pakistani mobile wallet number: 03XXXXXXXXX (11 digits). */
export const WALLET_ACCOUNT = /^03\d{9}$/;
/** Bank account number: 10–24 digits, or a Pakistani IBAN (PK + 2 check digits + 4-letter bank code + 16 digits). */
export const BANK_ACCOUNT = /^(\d{10,24}|PK\d{2}[A-Z]{4}\d{16})$/;

export function accountNumberProblem(type: 'wallet' | 'bank', accountNumber: string): string | null {
  if (type === 'wallet') {
    return WALLET_ACCOUNT.test(accountNumber) ? null : 'a wallet account is an 11-digit mobile number 03XXXXXXXXX';
  }
  return BANK_ACCOUNT.test(accountNumber) ? null : 'a bank account is 10–24 digits or an IBAN (PK…, 24 characters)';
}
