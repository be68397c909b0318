export { CURRENCY, MAX_AMOUNT } from '@mypay/contracts';

/** `100000000` → `PKR 1,000,000.00`. */
export function formatPkr(minor: number): string {
  const negative = minor < 0;
  const abs = Math.abs(minor);
  const rupees = Math.floor(abs / 100);
  const paisa = String(abs % 100).padStart(2, '0');
  return `${negative ? '-' : ''}PKR ${rupees.toLocaleString('en-US')}.${paisa}`;
}
