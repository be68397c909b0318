import { describePortalMetrics } from '../../../test/support/portal-metrics.ts';

describePortalMetrics('merchant-portal');
