import { describe, expect, it } from 'vitest';
import { AppError } from '../errors.ts';
import { canonicalJson, MAX_CANONICAL_DEPTH } from './idempotent-request.ts';

describe('canonicalJson', () => {
  it('when keys come in another order, then the text is the same', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, { f: 1, e: 0 }], c: null } })).toBe(
      canonicalJson({ a: { c: null, d: [2, { e: 0, f: 1 }] }, b: 1 }),
    );
  });

  it('when a body nests thousands of levels deep, then it is a VALIDATION_ERROR, not a stack overflow', () => {
    const deep = JSON.parse(`${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`);
    expect(() => canonicalJson(deep)).toThrow(AppError);
    const arrays = JSON.parse(`${'['.repeat(MAX_CANONICAL_DEPTH + 1)}1${']'.repeat(MAX_CANONICAL_DEPTH + 1)}`);
    expect(() => canonicalJson(arrays)).toThrow(/not valid/);
    expect(canonicalJson(JSON.parse(`${'['.repeat(10)}1${']'.repeat(10)}`))).toBe(
      `${'['.repeat(10)}1${']'.repeat(10)}`,
    );
  });
});
