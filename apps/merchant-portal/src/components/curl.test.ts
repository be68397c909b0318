import { describe, expect, it } from 'vitest';
import { curlFor } from './curl.ts';

describe('curlFor', () => {
  it('when the body holds a single quote, then the command quotes it for the shell and names no key', () => {
    const curl = curlFor({
      method: 'POST',
      url: 'http://127.0.0.1:4001/api/v1/payouts',
      idempotencyKey: "it's-1",
      requestBody: { reference: "O'Brien", amount: 100 },
      requestBodyTruncated: false,
    });
    expect(curl).toBe(
      [
        "curl -X POST 'http://127.0.0.1:4001/api/v1/payouts'",
        '-H "Authorization: Bearer $MYPAY_API_KEY"',
        "-H 'Content-Type: application/json'",
        "-H 'Idempotency-Key: it'\\''s-1'",
        `-d '{"reference":"O'\\''Brien","amount":100}'`,
      ].join(' \\\n  '),
    );
  });

  it('when there is no body, then there is no -d and no Content-Type; a truncated body says so', () => {
    const get = curlFor({
      method: 'GET',
      url: 'http://x/a',
      idempotencyKey: null,
      requestBody: null,
      requestBodyTruncated: false,
    });
    expect(get).toBe(`curl -X GET 'http://x/a' \\\n  -H "Authorization: Bearer $MYPAY_API_KEY"`);
    const cut = curlFor({
      method: 'POST',
      url: 'http://x/a',
      idempotencyKey: null,
      requestBody: '{"a":',
      requestBodyTruncated: true,
    });
    expect(cut.split('\n')[0]).toContain('cut at 16 KB');
    expect(cut).toContain(`-d '{"a":'`);
  });
});
