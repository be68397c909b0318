export default function Loading() {
  return (
    <div className="panel" aria-busy="true">
      <p className="muted">Loading…</p>
    </div>
  );
}
