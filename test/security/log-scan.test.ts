import { describe, expect, it } from 'vitest';
import { scanLogLines } from './log-scan.ts';

describe('log scanner', () => {
  it('when a line holds a key, a secret, a hash or a mobile number, then each is reported', () => {
    const lines = [
      '{"msg":"auth","key":"mp_test_0123456789abcdef0123456789abcdef01234567"}',
      '{"msg":"endpoint","secret":"whsec_AbCdEf0123456789"}',
      '{"hash":"$2b$10$abcdefghijklmnopqrstuvABCDEFGHIJ"}',
      '{"mobile":"03001234567"}',
      'paying 03000000001 now',
      '{"custom":"s3cr3t-literal-value"}',
    ];
    const found = scanLogLines([{ source: 'x', lines }], [{ what: 'custom', value: 's3cr3t-literal-value' }]);
    expect(found.map((f) => f.what).sort()).toEqual(
      ['API key', 'custom', 'endpoint secret', 'mobile number', 'mobile number', 'password hash'].sort(),
    );
  });

  it('when a line holds only ids, timestamps and masked numbers, then nothing is reported', () => {
    const lines = [
      '{"level":30,"time":"2026-11-22T00:00:00.000Z","requestId":"req_0300000000123","msg":"POST /api/v1/payouts 201","latencyMs":12}',
      '{"payoutId":"po_abc","accountNumber":"0300****567","seq":1030000000012}',
      '{"key":"[redacted]"}',
      '{"requestId":"e85ee5a4-e335-48f0-89e1-b03787060593","msg":"POST /api/v1/payouts 201"}',
    ];
    expect(scanLogLines([{ source: 'x', lines }], [])).toEqual([]);
  });
});
