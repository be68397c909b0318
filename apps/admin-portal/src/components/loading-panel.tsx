/**
 * What a list page shows while its data loads. Each list segment re-exports it as its own
 * `loading.tsx`; a detail page (`[id]`) has none: a loading boundary above a page sends the 200
 * before the page runs, so its notFound() could no longer answer 404.
 */
export function LoadingPanel() {
  return (
    <div className="panel" aria-busy="true">
      <p className="muted">Loading…</p>
    </div>
  );
}
