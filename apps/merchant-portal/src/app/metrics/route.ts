import { metricsResponse } from '@mypay/portal-server/portal';
import { portal } from '../../server/portal.ts';

export const dynamic = 'force-dynamic';

/** Prometheus scrape (nginx answers 404 for /metrics on the public hosts). */
export function GET(): Promise<Response> {
  return metricsResponse(portal);
}
