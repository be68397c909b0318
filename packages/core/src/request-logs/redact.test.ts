import { describe, expect, it } from 'vitest';
import { capText, createBodyRedactor, REDACTED } from './redact.ts';

describe('request log body redaction', () => {
  const redact = createBodyRedactor(['iban']);

  it('when a body holds secrets at any depth, then their values are replaced, the rest kept', () => {
    const { text } = redact({
      password: 'p',
      nested: [{ OTP: '1234', signing_secret: 's', Authorization: 'Bearer x' }],
      iban: 'PK36SCBL0000001123456702',
      amount: 5,
    });
    expect(JSON.parse(text ?? '')).toEqual({
      password: REDACTED,
      nested: [{ OTP: REDACTED, signing_secret: REDACTED, Authorization: REDACTED }],
      iban: REDACTED,
      amount: 5,
    });
  });

  it('when a webhook secret or a known key appears under any name, then it is replaced', () => {
    const { text } = redact(
      { note: 'whsec_abc', description: 'my key is mp_test_0123456789abcdef' },
      {
        secrets: ['mp_test_0123456789abcdef'],
      },
    );
    expect(text).not.toContain('whsec_');
    expect(text).not.toContain('mp_test_0123456789abcdef');
  });

  it('when there is no body, then null', () => {
    expect(redact(undefined)).toEqual({ text: null, truncated: false });
    expect(redact({})).toEqual({ text: null, truncated: false });
  });

  it('when text is over the limit, then it is cut on a character boundary and marked', () => {
    const cut = capText('é'.repeat(10), 5);
    expect(cut).toEqual({ text: 'éé', truncated: true });
    expect(capText('abc', 5)).toEqual({ text: 'abc', truncated: false });
  });
});
