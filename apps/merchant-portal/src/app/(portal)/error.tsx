'use client';

import { ErrorState } from '@mypay/portal-ui/error-state';

export default function PortalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorState error={error} reset={reset}>
      Try again in a moment. If it keeps failing, check that the database is reachable (the sandbox&apos;s health check:{' '}
      <code>scripts/health-check.sh</code>) and quote the reference below when asking for help.
    </ErrorState>
  );
}
