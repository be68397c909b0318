import { definePortal } from '@mypay/portal-server/portal';
import { getConfig } from './config.ts';

/** The merchant portal's server side (packages/portal-server), bound to the MERCHANT realm and its config. */
export const portal = definePortal({ name: 'merchant-portal', realm: 'MERCHANT', getConfig });

export const { getDb, getRequestContext, toFormState, csvResponse } = portal;
/** The signed-in merchant of this request, or null. */
export const getCurrentMerchant = portal.getCurrentPrincipal;
/** Every page and action but login starts here: no session → the login page. */
export const requireMerchant = portal.requirePrincipal;
export { type FormState, orNotFound, toFieldErrors } from '@mypay/portal-server/errors';
