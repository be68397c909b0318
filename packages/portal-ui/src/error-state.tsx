'use client';

import type { ReactNode } from 'react';

/**
 * A page that failed to load, drawn inside the portal's layout (the navigation stays, so the user
 * can go elsewhere): what happened, what to check, the reference to quote, and a retry.
 */
export function ErrorState({
  error,
  reset,
  children,
}: {
  error: Error & { digest?: string };
  reset: () => void;
  children: ReactNode;
}) {
  return (
    <div className="panel error-state" role="alert" data-testid="error-state">
      <h1>This page could not be loaded</h1>
      <p>{children}</p>
      <p className="muted">
        Reference: <code>{error.digest ?? 'n/a'}</code>
      </p>
      <button type="button" onClick={reset}>
        Try again
      </button>
    </div>
  );
}
