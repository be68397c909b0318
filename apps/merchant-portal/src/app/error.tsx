'use client';

import { ErrorState } from '@mypay/portal-ui/error-state';

export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    // Outside the portal's layout (it failed too), so this page brings its own <main>.
    <main>
      <ErrorState {...props}>
        The portal could not load this page. Try again; if it keeps failing, check that the database is reachable (the
        sandbox&apos;s health check: <code>scripts/health-check.sh</code>) and quote this reference below when asking
        for help.
      </ErrorState>
    </main>
  );
}
