/**
 * Long JSON in a table cell: one truncated line, and an expand control (a native <details>, so it
 * works without JavaScript) that shows the whole value formatted.
 */
export function JsonCell({ value, label }: { value: unknown; label: string }) {
  if (value === null || value === undefined) return <span className="muted">—</span>;
  const compact = JSON.stringify(value);
  return (
    <details className="json-cell">
      <summary title={`Show all of ${label}`} aria-label={`${label}: ${compact.slice(0, 80)}`}>
        {compact}
      </summary>
      <pre className="json">{JSON.stringify(value, null, 2)}</pre>
    </details>
  );
}
