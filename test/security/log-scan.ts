/**
 * Looks for credentials and personal data in log lines: any of the given literal secrets (API
 * keys, password hashes, endpoint secrets), and anything shaped like one even if we did not
 * know it (an `mp_test_` key, a `whsec_` secret, a bcrypt hash, a full Pakistani mobile number).
 */
export interface LogFinding {
  source: string;
  what: string;
  line: string;
}

const SHAPES: [string, RegExp][] = [
  ['API key', /mp_(test|live)_[0-9a-f]{8,}/],
  ['endpoint secret', /whsec_[A-Za-z0-9]{8,}/],
  ['password hash', /\$2[aby]\$\d{2}\$[./A-Za-z0-9]{20,}/],
  // 03XXXXXXXXX standing alone, not inside a longer run of letters and digits (request ids are UUIDs
  // whose hex can read "…b03787060593", timestamps and sequence numbers are long digit runs).
  ['mobile number', /(?<![0-9A-Za-z])03[0-9]{9}(?![0-9A-Za-z])/],
];

export function scanLogLines(
  sources: { source: string; lines: string[] }[],
  secrets: { what: string; value: string }[],
): LogFinding[] {
  const findings: LogFinding[] = [];
  const literals = secrets.filter((s) => s.value.length >= 8);
  for (const { source, lines } of sources) {
    for (const line of lines) {
      for (const secret of literals) {
        if (line.includes(secret.value)) findings.push({ source, what: secret.what, line: line.slice(0, 300) });
      }
      for (const [what, shape] of SHAPES) {
        if (shape.test(line)) findings.push({ source, what, line: line.slice(0, 300) });
      }
    }
  }
  return findings;
}
