// Next runs register() once when the server starts: process-level errors are logged and
// metrics counted from the first request (definePortal's start).
export async function register() {
  if (process.env.NEXT_RUNTIME !== 'nodejs') return;
  const { portal } = await import('./server/portal.ts');
  await portal.start();
}
