'use client';

import { ErrorState } from '@mypay/portal-ui/error-state';

export default function ErrorPage(props: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    // Outside the portal's layout (it failed too), so this page brings its own <main>.
    <main>
      <ErrorState {...props}>
        The admin portal could not load this page. Try again; if it keeps failing, check the System page and the
        database (<code>scripts/health-check.sh</code>), and quote the reference below.
      </ErrorState>
    </main>
  );
}
