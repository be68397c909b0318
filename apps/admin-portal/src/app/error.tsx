'use client';

export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <main>
      <div className="panel" role="alert">
        <h1>Something went wrong</h1>
        <p>
          The admin portal could not load this page. Try again; if it keeps failing, check the System page and the
          database (<code>scripts/health-check.sh</code>), and quote this reference:{' '}
          <code>{error.digest ?? 'n/a'}</code>.
        </p>
        <button type="button" onClick={reset}>
          Try again
        </button>
      </div>
    </main>
  );
}
