/** A single string from Next's searchParams value. */
export const one = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v) || undefined;

/** `YYYY-MM-DD` → start of that UTC day, or the start of the next day with `endExclusive`. */
export function parseDay(value: string | undefined, endExclusive = false): Date | undefined {
  if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return undefined;
  const d = new Date(`${value}T00:00:00.000Z`);
  if (Number.isNaN(d.getTime())) return undefined;
  return endExclusive ? new Date(d.getTime() + 86_400_000) : d;
}

/** `"-1,500.5"` (rupees, sign allowed with `signed`) → paisa; null when it is not such an amount. */
export function parseRupees(text: string, { signed = false, allowZero = false } = {}): number | null {
  const clean = text.replace(/[,\s]/g, '').replace(/^PKR/i, '');
  const match = /^([+-]?)(\d+)(?:\.(\d{1,2}))?$/.exec(clean);
  if (!match || (!signed && match[1])) return null;
  const minor = Number(match[2]) * 100 + Number((match[3] ?? '').padEnd(2, '0'));
  if (!Number.isSafeInteger(minor) || (minor === 0 && !allowZero)) return null;
  return match[1] === '-' ? -minor : minor;
}

export function withQuery(path: string, params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}
