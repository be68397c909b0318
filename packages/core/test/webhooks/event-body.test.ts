import { describe, expect, it } from 'vitest';
import { bodyAroundSequence, type EventBody } from '../../src/webhooks/enqueue-event.ts';

describe('bodyAroundSequence', () => {
  it('when the database puts a number between head and tail, then the text is JSON.stringify of the body with that sequence', () => {
    const body: Omit<EventBody, 'sequence'> = {
      id: 'evt_0123456789ABCDEFGHIJKLmn',
      type: 'payout.completed',
      createdAt: '2026-12-06T10:00:00.000Z',
      request: { id: 'req "quoted" \\ \u2028', idempotencyKey: null },
      data: { object: { id: 'po_x', amount: 100, metadata: { note: 'Karachi — صدر', nested: [1, null, true] } } },
    };
    const { head, tail } = bodyAroundSequence(body);
    for (const sequence of [1, 42, 9_007_199_254_740_991]) {
      const text = `${head}${sequence}${tail}`;
      // EventBody's key order, as insertEvent stores a body.
      const { id, type, createdAt, request, data } = body;
      expect(text).toBe(JSON.stringify({ id, type, createdAt, sequence, request, data }));
      expect(JSON.parse(text)).toEqual({ ...body, sequence });
    }
  });

  it('when a request scope is absent, then request is null in the text', () => {
    const { head, tail } = bodyAroundSequence({
      id: 'evt_1',
      type: 'payout.created',
      createdAt: '2026-12-06T10:00:00.000Z',
      request: null,
      data: { object: {} },
    });
    expect(JSON.parse(`${head}7${tail}`)).toMatchObject({ sequence: 7, request: null });
  });
});
