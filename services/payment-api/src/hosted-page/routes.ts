import { randomBytes } from 'node:crypto';
import { completePaymentBody, htmlPage, idParams } from '@mypay/contracts';
import {
  AppError,
  cancelCheckout,
  completePayment,
  formatPkr,
  getCheckoutAttempt,
  getHostedCheckout,
  type HostedCheckout,
  type PaymentResource,
  redirectWithOutcome,
} from '@mypay/core';
import { attributeRequestLog, perKeyRateLimit, toAppError } from '@mypay/http';
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import type { ApiContext } from '../context.ts';
import { CSRF_COOKIE, csrfCookie, csrfToken, isCsrfNonce, newCsrfNonce, readCookie, verifyCsrf } from './csrf.ts';
import { layout, messageBody, paymentFormBody } from './render.ts';

/** How often the waiting page reloads while a payment is PENDING. */
const PENDING_REFRESH_SECONDS = 2;
const CHECKOUT_ID = /^[A-Za-z0-9_]{1,64}$/;

const pagePath = (id: string, suffix = '') => `/checkout/${encodeURIComponent(id)}${suffix}`;
const originOf = (url: string) => {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
};

/**
 * The hosted payment page a customer opens from `checkoutUrl` (no API key: the random checkout id
 * is the capability). Paying goes through completePayment — the same use-case as
 * POST /payment/complete — and the outcome is shown before the customer is sent back:
 *
 *   GET  /checkout/:id          the form (OPEN), a waiting page (attempt PENDING) or a state page (404/410)
 *   POST /checkout/:id/pay      → 303 to /result (succeeded or pending) or back to the form with the failure
 *   GET  /checkout/:id/result   success page, then successUrl?checkoutId=…&status=COMPLETED&transactionId=…
 *   POST /checkout/:id/cancel   → CANCELLED, 303 to cancelUrl?checkoutId=…&status=CANCELLED
 */
export function hostedPageRouter(ctx: ApiContext): Router {
  const router = express.Router();
  const deps = { db: ctx.db, scenarios: ctx.scenarios, directory: ctx.directory, publicUrl: ctx.config.publicUrl };
  const { csrfSecret, cookieSecure, redirectDelayMs } = ctx.config;

  router.use(
    '/checkout',
    perKeyRateLimit({ limit: ctx.config.rateLimitPerMinute, backend: ctx.rateLimits, name: 'hosted-page' }),
  );
  router.use('/checkout', express.urlencoded({ extended: false, limit: '10kb', parameterLimit: 20 }));

  function send(
    res: Response,
    status: number,
    options: { title: string; body: string; refresh?: { seconds: number; url: string }; formTargets?: string[] },
  ) {
    const nonce = randomBytes(16).toString('base64');
    // Chrome applies form-action to the redirect after a POST too, so the merchant's origins are listed.
    const formAction = ["'self'", ...new Set((options.formTargets ?? []).map(originOf).filter(Boolean))].join(' ');
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': `default-src 'none'; style-src 'nonce-${nonce}'; img-src data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
        'X-Frame-Options': 'DENY',
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'no-referrer',
        'Cache-Control': 'no-store',
      })
      .send(layout({ title: options.title, nonce, body: options.body, refresh: options.refresh }));
  }

  function notFoundPage(res: Response) {
    send(res, 404, {
      title: 'Checkout not found',
      body: messageBody({
        title: 'Checkout not found',
        message: 'This payment link is not valid. Ask the merchant for a new one.',
        tone: 'error',
        testId: 'state-not-found',
      }),
    });
  }

  /** A page for a checkout that cannot be paid (any more, or now); false when it is payable. */
  function statePage(res: Response, hosted: HostedCheckout): boolean {
    const { checkout } = hosted;
    // Core's rule, at the checkout's time (a checkout bound to a test clock expires on its clock).
    if (hosted.payable) {
      if (!hosted.merchantSuspended) return false;
      // No form, no pay button: completePayment refuses it anyway (403 FORBIDDEN).
      send(res, 403, {
        title: 'Payments unavailable',
        body: messageBody({
          title: 'Payments unavailable',
          message: `${hosted.merchantName} cannot accept payments right now. Nothing was charged; contact the merchant.`,
          tone: 'error',
          testId: 'state-merchant-suspended',
        }),
      });
      return true;
    }
    const back = (url: string, status: string, extra: Record<string, string> = {}) =>
      redirectWithOutcome(url, { checkoutId: checkout.id, status, ...extra });
    if (checkout.status === 'COMPLETED') {
      const txn = hosted.latestTransaction;
      send(res, 410, {
        title: 'Already paid',
        body: messageBody({
          title: 'Already paid',
          message: `This checkout was paid (${formatPkr(Number(checkout.amount))} to ${hosted.merchantName}).`,
          tone: 'ok',
          link: {
            url: back(checkout.successUrl, 'COMPLETED', txn ? { transactionId: txn.id } : {}),
            label: 'Return to merchant',
          },
          testId: 'state-completed',
        }),
      });
    } else if (checkout.status === 'CANCELLED') {
      send(res, 410, {
        title: 'Checkout cancelled',
        body: messageBody({
          title: 'Checkout cancelled',
          message: 'This payment was cancelled. Nothing was charged.',
          link: { url: back(checkout.cancelUrl, 'CANCELLED'), label: 'Return to merchant' },
          testId: 'state-cancelled',
        }),
      });
    } else {
      send(res, 410, {
        title: 'Checkout expired',
        body: messageBody({
          title: 'Checkout expired',
          message: 'This payment link has expired. Nothing was charged; start again from the merchant.',
          tone: 'error',
          link: { url: back(checkout.cancelUrl, 'EXPIRED'), label: 'Return to merchant' },
          testId: 'state-expired',
        }),
      });
    }
    return true;
  }

  function waitingPage(res: Response, hosted: HostedCheckout, refreshUrl: string) {
    send(res, 200, {
      title: 'Waiting for confirmation',
      refresh: { seconds: PENDING_REFRESH_SECONDS, url: refreshUrl },
      body: messageBody({
        title: 'Waiting for confirmation',
        message: `Approve the payment of ${formatPkr(Number(hosted.checkout.amount))} in your wallet app. This page refreshes by itself.`,
        testId: 'state-pending',
      }),
    });
  }

  /** The CSRF nonce of this browser for this checkout (a new one is set when missing). */
  function csrfFor(req: Request, res: Response, hosted: HostedCheckout): string {
    let nonce = readCookie(req.get('cookie'), CSRF_COOKIE);
    if (!isCsrfNonce(nonce)) {
      nonce = newCsrfNonce();
      const maxAgeSeconds = (hosted.checkout.expiresAt.getTime() - Date.now()) / 1000 + 3600;
      res.append('Set-Cookie', csrfCookie(nonce, hosted.checkout.id, { secure: cookieSecure, maxAgeSeconds }));
    }
    return csrfToken(csrfSecret, hosted.checkout.id, nonce);
  }

  async function formPage(
    req: Request,
    res: Response,
    hosted: HostedCheckout,
    options: {
      status?: number;
      banner?: string;
      values?: { provider?: string; mobile?: string };
      fieldErrors?: Record<string, string>;
    } = {},
  ) {
    const { checkout } = hosted;
    send(res, options.status ?? 200, {
      title: `Pay ${hosted.merchantName}`,
      formTargets: [checkout.successUrl, checkout.cancelUrl],
      body: paymentFormBody({
        checkoutId: checkout.id,
        merchantName: hosted.merchantName,
        amount: Number(checkout.amount),
        orderId: checkout.orderId,
        wallets: await ctx.directory.wallets(),
        csrf: csrfFor(req, res, hosted),
        values: options.values ?? { mobile: checkout.customerMobile ?? undefined },
        fieldErrors: options.fieldErrors ?? {},
        banner: options.banner,
      }),
    });
  }

  async function load(req: Request, res: Response): Promise<HostedCheckout | null> {
    const id = String(req.params.id ?? '');
    const hosted = CHECKOUT_ID.test(id) ? await getHostedCheckout(ctx.db, id) : null;
    if (!hosted) notFoundPage(res);
    return hosted;
  }

  function forbiddenIfBadCsrf(req: Request, res: Response, hosted: HostedCheckout): boolean {
    const nonce = readCookie(req.get('cookie'), CSRF_COOKIE);
    if (verifyCsrf(csrfSecret, hosted.checkout.id, nonce, (req.body as Record<string, unknown> | undefined)?.csrf)) {
      return false;
    }
    send(res, 403, {
      title: 'Please try again',
      body: messageBody({
        title: 'Please try again',
        message: 'This form has expired or did not come from this page. Nothing was charged.',
        tone: 'error',
        link: { url: pagePath(hosted.checkout.id), label: 'Back to the payment page' },
        testId: 'state-csrf',
      }),
    });
    return true;
  }

  const failureText = (payment: PaymentResource) =>
    `Payment failed: ${payment.failure?.message ?? 'the wallet declined it'} (${payment.failure?.code ?? 'FAILED'}). You can try again.`;

  ctx.docs.add({
    operationId: 'getHostedCheckoutPage',
    method: 'get',
    path: '/checkout/:id',
    tags: ['Hosted page'],
    summary: 'The hosted payment page (HTML) a customer opens from `checkoutUrl`',
    description:
      'Wallet, mobile number and OTP, Pay and Cancel; forms POST to `/checkout/{id}/pay` and `/checkout/{id}/cancel` (CSRF-protected). 404 page for an unknown checkout, 410 for a paid, cancelled or expired one, 403 (a notice, no form) while the merchant is suspended.',
    auth: false,
    params: idParams,
    responses: {
      200: {
        description: 'The payment form (or a waiting page while a payment is pending)',
        contentType: 'text/html',
        schema: htmlPage,
      },
      404: { description: 'Unknown checkout (HTML)', contentType: 'text/html', schema: htmlPage },
      403: {
        description: 'The merchant is suspended: a notice, no way to pay (HTML)',
        contentType: 'text/html',
        schema: htmlPage,
      },
      410: { description: 'Paid, cancelled or expired (HTML)', contentType: 'text/html', schema: htmlPage },
    },
  });
  router.get('/checkout/:id', async (req, res) => {
    const hosted = await load(req, res);
    if (!hosted || statePage(res, hosted)) return;
    const latest = hosted.latestTransaction;
    if (latest?.status === 'PENDING') return waitingPage(res, hosted, pagePath(hosted.checkout.id));
    // The failure of the attempt this browser just made (the PRG redirect names it).
    const shown = latest && latest.status === 'FAILED' && req.query.attempt === latest.id ? latest : null;
    await formPage(req, res, hosted, {
      banner: shown ? failureText(shown) : undefined,
      values: shown ? { provider: shown.provider, mobile: shown.mobile } : undefined,
    });
  });

  /** The customer's posts act for the checkout's merchant: its request log shows them. */
  const attribute = (req: Request, hosted: HostedCheckout | null, objectId?: string) => {
    if (hosted)
      attributeRequestLog(req, { merchantId: hosted.checkout.merchantId, objectId: objectId ?? hosted.checkout.id });
  };

  router.post('/checkout/:id/pay', async (req, res) => {
    const hosted = await load(req, res);
    attribute(req, hosted);
    if (!hosted || forbiddenIfBadCsrf(req, res, hosted)) return;
    const { checkout } = hosted;
    const form = (req.body ?? {}) as Record<string, unknown>;
    const values = {
      provider: typeof form.provider === 'string' ? form.provider : undefined,
      mobile: typeof form.mobile === 'string' ? form.mobile.replace(/[\s-]/g, '') : undefined,
    };
    const otp = typeof form.otp === 'string' && form.otp.trim() !== '' ? form.otp.trim() : undefined;
    try {
      const input = completePaymentBody.parse({ checkoutId: checkout.id, ...values, otp });
      const payment = await completePayment(deps, { merchantId: checkout.merchantId, ...input });
      attribute(req, hosted, payment.id);
      if (payment.status === 'FAILED') {
        return res.redirect(303, `${pagePath(checkout.id)}?attempt=${encodeURIComponent(payment.id)}`);
      }
      return res.redirect(303, `${pagePath(checkout.id, '/result')}?transaction=${encodeURIComponent(payment.id)}`);
    } catch (error) {
      const appError = toAppError(error);
      if (appError?.code === 'VALIDATION_ERROR') {
        const fieldErrors: Record<string, string> = {};
        for (const detail of appError.details ?? []) {
          if (detail.field && !fieldErrors[detail.field]) fieldErrors[detail.field] = detail.message;
        }
        return formPage(req, res, hosted, { status: 400, values, fieldErrors, banner: 'Please check the form.' });
      }
      if (appError?.code === 'PROVIDER_UNAVAILABLE') {
        return formPage(req, res, hosted, {
          status: 503,
          values,
          banner: `${values.provider ?? 'The wallet'} is unavailable right now. Try again in a moment or choose another wallet.`,
        });
      }
      // Paid, expired or pending meanwhile (another tab, a double submit), or the merchant was
      // suspended: show where it stands.
      if (appError?.code === 'INVALID_STATE' || appError?.code === 'NOT_FOUND' || appError?.code === 'FORBIDDEN') {
        return res.redirect(303, pagePath(checkout.id));
      }
      throw error;
    }
  });

  router.get('/checkout/:id/result', async (req, res) => {
    const hosted = await load(req, res);
    if (!hosted) return;
    const { checkout } = hosted;
    const txnId = typeof req.query.transaction === 'string' ? req.query.transaction : '';
    const txn = await getCheckoutAttempt(ctx.db, checkout.id, txnId);
    if (!txn) return res.redirect(303, pagePath(checkout.id));
    if (txn.status === 'PENDING') {
      return waitingPage(res, hosted, `${pagePath(checkout.id, '/result')}?transaction=${encodeURIComponent(txn.id)}`);
    }
    if (txn.status === 'FAILED') {
      return res.redirect(303, `${pagePath(checkout.id)}?attempt=${encodeURIComponent(txn.id)}`);
    }
    const successUrl = redirectWithOutcome(checkout.successUrl, {
      checkoutId: checkout.id,
      status: 'COMPLETED',
      transactionId: txn.id,
    });
    send(res, 200, {
      title: 'Payment successful',
      refresh: { seconds: redirectDelayMs / 1000, url: successUrl },
      body: messageBody({
        title: txn.status === 'REFUNDED' ? 'Payment refunded' : 'Payment successful',
        message:
          txn.status === 'REFUNDED'
            ? `Your payment of ${formatPkr(Number(checkout.amount))} to ${hosted.merchantName} was refunded.`
            : `You paid ${formatPkr(Number(checkout.amount))} to ${hosted.merchantName}. Taking you back to the merchant…`,
        tone: 'ok',
        link: { url: successUrl, label: 'Return to merchant' },
        testId: 'state-succeeded',
      }),
    });
  });

  router.post('/checkout/:id/cancel', async (req, res) => {
    const hosted = await load(req, res);
    attribute(req, hosted);
    if (!hosted || forbiddenIfBadCsrf(req, res, hosted)) return;
    try {
      await cancelCheckout({ db: ctx.db, publicUrl: ctx.config.publicUrl }, { checkoutId: hosted.checkout.id });
    } catch (error) {
      if (error instanceof AppError && (error.code === 'INVALID_STATE' || error.code === 'NOT_FOUND')) {
        return res.redirect(303, pagePath(hosted.checkout.id));
      }
      throw error;
    }
    res.redirect(
      303,
      redirectWithOutcome(hosted.checkout.cancelUrl, { checkoutId: hosted.checkout.id, status: 'CANCELLED' }),
    );
  });

  // Errors on these routes are pages for a person, never JSON or a stack trace.
  router.use('/checkout', (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const appError = toAppError(error);
    if (!appError || appError.status >= 500) ctx.logger.error({ err: error, path: req.path }, 'hosted page error');
    if (res.headersSent) return;
    const status = appError && appError.status < 500 ? appError.status : appError?.status === 503 ? 503 : 500;
    send(res, status, {
      title: 'Something went wrong',
      body: messageBody({
        title: 'Something went wrong',
        message:
          status === 429
            ? 'Too many attempts. Wait a minute and try again.'
            : status < 500
              ? 'The request could not be handled. Go back to the payment page and try again.'
              : 'We could not process this right now. Try again in a moment.',
        tone: 'error',
        testId: 'state-error',
      }),
    });
  });

  return router;
}
