import { describePortalMetrics } from '../../../test/support/portal-metrics.ts';

describePortalMetrics('admin-portal');
