import Link from 'next/link';

export default function NotFound() {
  return (
    <main>
      <div className="panel">
        <h1>Not found</h1>
        <p>This page or object does not exist. Check the id, or go back to the list it came from.</p>
        <p>
          <Link href="/">Back to the admin home</Link>
        </p>
      </div>
    </main>
  );
}
