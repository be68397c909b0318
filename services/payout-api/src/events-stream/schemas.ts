import { eventTypePatternProblem } from '@mypay/core';
import { z } from 'zod';

/** Query of `GET /events/stream`; the same object validates and documents. */

/** `after=start`: from the merchant's first event (what a client resumes with if it saw none yet). */
export const STREAM_START = 'start';

export const eventStreamQuery = z.object({
  after: z.string().min(1).max(64).optional().meta({
    description:
      'Resume after this event id (what the `Last-Event-ID` header also does), or `start` for every event of the merchant. Without it, the stream carries events that happen from now on.',
    example: 'evt_7Hq…',
  }),
  types: z
    .string()
    .max(1000)
    .optional()
    .superRefine((value, ctx) => {
      for (const pattern of splitTypes(value)) {
        const problem = eventTypePatternProblem(pattern);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }
    })
    .meta({
      description: 'Comma-separated event types to receive; `payout.*` matches every payout event. Default: all.',
      example: 'payout.*,payment.succeeded',
    }),
});

export function splitTypes(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}

export const eventStreamDescription = `A [server-sent events](https://html.spec.whatwg.org/multipage/server-sent-events.html) stream of the merchant's events — payouts **and** payments (\`payout.*\`, \`payment.*\`, \`checkout.*\`) — as they are written. What \`mypay listen\` connects to.

- First message: \`event: ready\`, \`data: {"after": "<resume position>"}\`. Then, per event: \`id:\` the resume position, \`event:\` the type, \`data:\` the event body exactly as webhooks deliver it.
- Events come in the order they were written (\`seq\`); an event whose transaction committed late comes when it commits.
- Resume with \`?after=<id>\` or the \`Last-Event-ID\` header (EventSource sends it by itself). Delivery is at least once: after a resume, events of the last few seconds can come again — de-duplicate on the event id.
- A comment line (\`: keep-alive\`) every 15 s keeps proxies from closing an idle stream.
- The stream ends when the server stops or the key is revoked; reconnect with backoff and resume.`;
