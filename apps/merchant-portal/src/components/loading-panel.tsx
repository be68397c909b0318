export function LoadingPanel() {
  return (
    <div className="panel" aria-busy="true" aria-live="polite">
      <span className="muted">Loading…</span>
      <div className="skeleton" style={{ width: '60%' }} />
      <div className="skeleton" style={{ width: '90%' }} />
      <div className="skeleton" style={{ width: '75%' }} />
    </div>
  );
}
