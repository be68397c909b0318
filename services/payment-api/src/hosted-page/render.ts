import { formatPkr, type WalletEntry } from '@mypay/core';

/**
 * Server-rendered HTML of the hosted payment page: no script, no external asset, one inline
 * stylesheet (allowed by its CSP nonce). Every interpolated value goes through `h()`.
 */

export const h = (value: unknown): string =>
  String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');

const STYLE = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:#f2f4f7;color:#1d2433}
main{max-width:440px;margin:0 auto;padding:16px}
.card{background:#fff;border-radius:12px;box-shadow:0 1px 3px rgba(16,24,40,.12);padding:20px}
.sandbox{font-size:13px;background:#fff7e0;border:1px solid #f5d37a;border-radius:8px;padding:8px 12px;margin-bottom:12px}
.merchant{font-size:14px;color:#5b6476;margin:0}
.amount{font-size:30px;font-weight:700;margin:4px 0 2px}
.order{font-size:13px;color:#5b6476;margin:0 0 16px}
fieldset{border:0;padding:0;margin:0 0 16px}
legend,label.field{display:block;font-weight:600;font-size:14px;margin-bottom:6px}
.wallets{display:grid;grid-template-columns:1fr 1fr;gap:8px}
.wallets label{display:flex;align-items:center;gap:8px;border:1px solid #d0d5dd;border-radius:8px;padding:10px;font-size:15px}
input[type=text],input[type=tel]{width:100%;font-size:17px;padding:11px 12px;border:1px solid #d0d5dd;border-radius:8px}
.row{margin-bottom:16px}
.hint{font-size:12px;color:#5b6476;margin-top:4px}
.error-text{font-size:13px;color:#b42318;margin-top:4px}
.banner{border-radius:8px;padding:10px 12px;margin-bottom:16px;font-size:15px}
.banner.error{background:#fef3f2;border:1px solid #fda29b;color:#912018}
.banner.ok{background:#ecfdf3;border:1px solid #6ce9a6;color:#05603a}
button,.button{display:block;width:100%;font-size:17px;font-weight:600;padding:13px;border-radius:8px;border:0;text-align:center;text-decoration:none;cursor:pointer}
.pay{background:#1849a9;color:#fff}
.secondary{background:#fff;color:#344054;border:1px solid #d0d5dd;margin-top:10px}
h1{font-size:22px;margin:0 0 8px}
p{margin:0 0 12px}
.muted{color:#5b6476;font-size:14px}
`;

export interface LayoutOptions {
  title: string;
  nonce: string;
  body: string;
  /** Meta refresh: reload or move on after `seconds`. */
  refresh?: { seconds: number; url: string };
}

export function layout(options: LayoutOptions): string {
  const refresh = options.refresh
    ? `<meta http-equiv="refresh" content="${Math.max(0, Math.round(options.refresh.seconds))};url=${h(options.refresh.url)}">`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
${refresh}<title>${h(options.title)}</title>
<style nonce="${h(options.nonce)}">${STYLE}</style>
</head><body><main>
<div class="sandbox" role="note">Sandbox: no real money moves.</div>
${options.body}
</main></body></html>`;
}

export interface FormView {
  checkoutId: string;
  merchantName: string;
  amount: number;
  orderId: string;
  wallets: WalletEntry[];
  csrf: string;
  values: { provider?: string; mobile?: string };
  fieldErrors: Record<string, string>;
  banner?: string;
}

function fieldError(view: FormView, field: string): string {
  const message = view.fieldErrors[field];
  return message ? `<div class="error-text" id="${h(field)}-error">${h(message)}</div>` : '';
}

export function paymentFormBody(view: FormView): string {
  const base = `/checkout/${encodeURIComponent(view.checkoutId)}`;
  const selected = view.values.provider ?? view.wallets[0]?.code;
  const wallets = view.wallets
    .map(
      (wallet) =>
        `<label><input type="radio" name="provider" value="${h(wallet.code)}"${wallet.code === selected ? ' checked' : ''} required> ${h(wallet.name)}</label>`,
    )
    .join('');
  return `<div class="card">
<p class="merchant">Pay <strong>${h(view.merchantName)}</strong></p>
<p class="amount" data-testid="amount">${h(formatPkr(view.amount))}</p>
<p class="order">Order ${h(view.orderId)}</p>
${view.banner ? `<div class="banner error" role="alert" data-testid="failure">${h(view.banner)}</div>` : ''}
<form method="post" action="${h(`${base}/pay`)}" novalidate>
<input type="hidden" name="csrf" value="${h(view.csrf)}">
<fieldset><legend>Pay with</legend><div class="wallets">${wallets}</div>${fieldError(view, 'provider')}</fieldset>
<div class="row"><label class="field" for="mobile">Mobile number</label>
<input type="tel" id="mobile" name="mobile" inputmode="numeric" autocomplete="tel" placeholder="03XXXXXXXXX" maxlength="16" required value="${h(view.values.mobile ?? '')}"${view.fieldErrors.mobile ? ' aria-invalid="true" aria-describedby="mobile-error"' : ''}>
${fieldError(view, 'mobile')}</div>
<div class="row"><label class="field" for="otp">OTP (one-time password)</label>
<input type="text" id="otp" name="otp" inputmode="numeric" autocomplete="one-time-code" maxlength="6" placeholder="4–6 digits"${view.fieldErrors.otp ? ' aria-invalid="true" aria-describedby="otp-error"' : ''}>
<div class="hint">Sent by your wallet. Any 4–6 digits work in the sandbox.</div>${fieldError(view, 'otp')}</div>
<button type="submit" class="pay">Pay ${h(formatPkr(view.amount))}</button>
</form>
<form method="post" action="${h(`${base}/cancel`)}">
<input type="hidden" name="csrf" value="${h(view.csrf)}">
<button type="submit" class="secondary">Cancel</button>
</form>
</div>`;
}

export function messageBody(options: {
  title: string;
  message: string;
  tone?: 'ok' | 'error' | 'info';
  link?: { url: string; label: string };
  testId?: string;
}): string {
  const tone = options.tone === 'ok' ? ' ok' : options.tone === 'error' ? ' error' : '';
  return `<div class="card"${options.testId ? ` data-testid="${h(options.testId)}"` : ''}>
<h1>${h(options.title)}</h1>
<div class="banner${tone}">${h(options.message)}</div>
${options.link ? `<a class="button pay" href="${h(options.link.url)}">${h(options.link.label)}</a>` : ''}
</div>`;
}
