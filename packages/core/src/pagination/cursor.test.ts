import { describe, expect, it } from 'vitest';
import type { AppError } from '../errors.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { keysetSql } from './keyset.ts';
import { toPage } from './page.ts';

const at = new Date('2026-12-01T10:20:30.456Z');

const rejection = (run: () => unknown): AppError | undefined => {
  try {
    run();
    return undefined;
  } catch (error) {
    return error as AppError;
  }
};

describe('the list cursor', () => {
  it.each([
    ['po_4gT9xQ2mZ8', 'a prefixed id'],
    ['123456789012345678', 'an auto-increment id'],
  ])('when %s (%s) is encoded and decoded, then the same position comes back', (id) => {
    expect(decodeCursor(encodeCursor({ createdAt: at, id }))).toEqual({ createdAt: at, id });
  });

  it('when the id is a bigint or a number, then it is read back as its digits', () => {
    expect(decodeCursor(encodeCursor({ createdAt: at, id: 42n })).id).toBe('42');
    expect(decodeCursor(encodeCursor({ createdAt: at.toISOString(), id: 7 }))).toEqual({ createdAt: at, id: '7' });
  });

  it('when encoded, then it is URL-safe text and says nothing readable at a glance', () => {
    const cursor = encodeCursor({ createdAt: at, id: 'po_abc' });
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(cursor).not.toContain('po_abc');
    expect(encodeURIComponent(cursor)).toBe(cursor);
  });

  const issued = encodeCursor({ createdAt: at, id: 'po_abc' });
  const b64 = (text: string) => Buffer.from(text).toString('base64url');
  it.each([
    ['garbage', 'garbage'],
    ['an empty string', ''],
    ['a JSON payload', 'eyJpZCI6MX0'],
    ['the unversioned format of before', b64(`${at.toISOString()}|po_abc`)],
    ['another version', b64(`v2|${at.toISOString()}|po_abc`)],
    ['an id with SQL in it', b64(`v1|${at.toISOString()}|' OR 1=1 --`)],
    ['an extra field', b64(`v1|${at.toISOString()}|po_abc|x`)],
    ['a time that is no time', b64('v1|yesterday|po_abc')],
    ['a time in another spelling', b64('v1|2026-12-01T10:20:30Z|po_abc')],
    ['a character appended', `${issued}A`],
    ['a character changed', `${issued.slice(0, 5)}${issued[5] === 'A' ? 'B' : 'A'}${issued.slice(6)}`],
    ['standard base64 padding', `${issued}=`],
    ['a long text', 'x'.repeat(300)],
  ])('when the cursor is %s, then 400 VALIDATION_ERROR naming the cursor', (_, cursor) => {
    const error = rejection(() => decodeCursor(cursor));
    expect(error?.code).toBe('VALIDATION_ERROR');
    expect(error?.status).toBe(400);
    expect(error?.details).toEqual([{ field: 'cursor', message: 'not a cursor this list returned' }]);
  });
});

describe('the keyset condition', () => {
  it('when there is no cursor, then no condition and newest first on (createdAt, id)', () => {
    expect(keysetSql(undefined, { alias: 'p' })).toEqual({
      conditions: [],
      orderBy: 'ORDER BY p.createdAt DESC, p.id DESC',
    });
  });

  it('when there is a cursor, then strictly older than its position, ties broken by id', () => {
    const cursor = encodeCursor({ createdAt: at, id: 'po_abc' });
    expect(keysetSql(cursor).conditions).toEqual([['(createdAt < ? OR (createdAt = ? AND id < ?))', at, at, 'po_abc']]);
  });

  it('when the list is keyed on a growing id, then the id alone orders and bounds it', () => {
    const cursor = encodeCursor({ createdAt: at, id: 99 });
    expect(keysetSql(cursor, { key: 'id', numericId: true })).toEqual({
      conditions: [['id < ?', '99']],
      orderBy: 'ORDER BY id DESC',
    });
  });

  it('when a list of numeric ids gets a cursor of another list, then 400 VALIDATION_ERROR', () => {
    const cursor = encodeCursor({ createdAt: at, id: 'po_abc' });
    expect(rejection(() => keysetSql(cursor, { numericId: true }))?.code).toBe('VALIDATION_ERROR');
  });
});

describe('a page', () => {
  const rows = [3, 2, 1].map((n) => ({ id: `po_${n}`, createdAt: new Date(at.getTime() - n) }));

  it('when more rows came than the limit, then hasMore and the cursor of the last row shown', () => {
    const page = toPage(rows, 2);
    expect(page.data.map((r) => r.id)).toEqual(['po_3', 'po_2']);
    expect(page.hasMore).toBe(true);
    expect(decodeCursor(page.nextCursor!)).toEqual({ createdAt: rows[1]!.createdAt, id: 'po_2' });
  });

  it('when no more rows came than the limit, then the last page: no cursor', () => {
    expect(toPage(rows, 3)).toEqual({ data: rows, hasMore: false, nextCursor: null });
  });
});
