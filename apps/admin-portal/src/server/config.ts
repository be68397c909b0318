import { definePortalConfig } from '@mypay/portal-server/config';
import { z } from 'zod';

/** The admin portal's settings: the common portal ones (packages/portal-server) and these. */
export const getConfig = definePortalConfig(
  'ADMIN',
  {
    // Where the system page checks each API's /health (the internal addresses, not the public host).
    PAYOUT_API_URL: z.url().default('http://127.0.0.1:4001'),
    PAYMENT_API_URL: z.url().default('http://127.0.0.1:4002'),
  },
  (env) => ({
    payoutApiUrl: env.PAYOUT_API_URL.replace(/\/$/, ''),
    paymentApiUrl: env.PAYMENT_API_URL.replace(/\/$/, ''),
  }),
);
