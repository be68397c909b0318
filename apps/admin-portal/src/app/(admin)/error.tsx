'use client';

import { ErrorState } from '@mypay/portal-ui/error-state';

export default function AdminError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <ErrorState error={error} reset={reset}>
      Try again in a moment. If it keeps failing, check the System page and the database (
      <code>scripts/health-check.sh</code>), and quote the reference below.
    </ErrorState>
  );
}
