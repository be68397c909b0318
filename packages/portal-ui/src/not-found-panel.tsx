import Link from 'next/link';

/** Both portals' 404 page (app/not-found.tsx): what may be wrong, and a way back to the portal's home. */
export function NotFoundPanel({ home, children }: { home: string; children: React.ReactNode }) {
  return (
    <main>
      <div className="panel">
        <h1>Not found</h1>
        <p>{children}</p>
        <p>
          <Link href="/">{home}</Link>
        </p>
      </div>
    </main>
  );
}
