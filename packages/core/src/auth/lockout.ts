/**
 * Lockout rule for portal logins: 5 failed attempts for one account within 15 minutes lock it
 * for 15 minutes from the 5th failure. Attempts refused while locked are not counted (they are
 * audited), so a lock ends on time and the account then has 5 fresh tries.
 */
export const LOCKOUT_MAX_FAILURES = 5;
export const LOCKOUT_WINDOW_MS = 15 * 60_000;
export const LOCKOUT_DURATION_MS = 15 * 60_000;

/** How far back the attempts that can matter go. */
export const LOCKOUT_LOOKBACK_MS = LOCKOUT_WINDOW_MS + LOCKOUT_DURATION_MS;

export interface AttemptRecord {
  success: boolean;
  at: Date;
}

/** The time the account stays locked until, or null when it is not locked at `now`. */
export function lockedUntil(attempts: AttemptRecord[], now: Date): Date | null {
  const sorted = [...attempts].sort((a, b) => a.at.getTime() - b.at.getTime());
  // A successful login resets the count.
  let lastSuccess = -1;
  sorted.forEach((a, i) => {
    if (a.success) lastSuccess = i;
  });
  const failures = sorted.slice(lastSuccess + 1).map((a) => a.at.getTime());
  let until = 0;
  for (let j = LOCKOUT_MAX_FAILURES - 1; j < failures.length; j++) {
    const first = failures[j - (LOCKOUT_MAX_FAILURES - 1)]!;
    const last = failures[j]!;
    if (last - first <= LOCKOUT_WINDOW_MS) until = Math.max(until, last + LOCKOUT_DURATION_MS);
  }
  return until > now.getTime() ? new Date(until) : null;
}
