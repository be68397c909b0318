/**
 * Where a portal may send the browser after login. `next` comes from the query string, so it is
 * attacker-chosen: a value like `/\evil.example` or `/<TAB>/evil.example` passes a naive
 * "starts with / but not //" check, yet browsers resolve it to `https://evil.example/`
 * (they read `\` as `/` and drop tabs and newlines). So:
 *
 * - backslashes and control characters (C0, DEL, C1) are refused outright, raw or
 *   percent-encoded (encoded ones are refused too, as no portal path needs them);
 * - what is left is parsed as a URL against the portal's own origin, and only a result on that
 *   origin counts; the answer is rebuilt from its path, query and fragment, never the input;
 * - a result whose path starts with `//` (e.g. from `/.//evil.example`) is refused, because that
 *   Location would be read as protocol-relative.
 *
 * Anything refused becomes `fallback`.
 */
export function safeRedirectPath(next: unknown, fallback = '/', origin = 'http://portal.invalid'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > 2048) return fallback;
  if (!next.startsWith('/') || next.startsWith('//')) return fallback;
  if (hasForbidden(next)) return fallback;
  let decoded: string;
  try {
    decoded = decodeURIComponent(next);
  } catch {
    return fallback;
  }
  if (hasForbidden(decoded) || decoded.startsWith('//')) return fallback;
  let url: URL;
  try {
    url = new URL(next, origin);
  } catch {
    return fallback;
  }
  const base = new URL(origin);
  if (url.origin !== base.origin) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  if (!path.startsWith('/') || path.startsWith('//')) return fallback;
  return path;
}

// C0 controls (tab, CR, LF, …), DEL, C1 controls, and the backslash.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point.
const FORBIDDEN = /[\u0000-\u001f\u007f-\u009f\\]/;
const hasForbidden = (value: string) => FORBIDDEN.test(value);
