import type { Pool } from '@mypay/db';
import { findApiKeysByIds, isApiKeyLive } from '../auth/api-key-access.ts';
import { AppError } from '../errors.ts';
import { findEventSeq } from './event-stream-repository.ts';

/**
 * Reads for the event stream (`GET /api/v1/events/stream`, `mypay listen`): a merchant's events in
 * `seq` order. `seq` is an AUTO_INCREMENT, so it is handed out at INSERT time, not at COMMIT time:
 * a transaction that inserted seq 5 can commit after one that inserted seq 6. A reader that only
 * asks for `seq > last` would step over 5 for good; the stream therefore also re-reads the ids of
 * the last few seconds (readRecentEventIds) and sends any it has not seen. The reads themselves
 * are event-stream-repository.ts's.
 */

export {
  getLatestEventPosition,
  getMaxEventSeq,
  type MerchantStreamedEvent,
  readEventsAfter,
  readEventsAfterForMerchants,
  readEventsByIds,
  readEventsByIdsForMerchants,
  readRecentEventIds,
  readRecentEventIdsForMerchants,
  type StreamedEvent,
} from './event-stream-repository.ts';

/** The `seq` of one of the merchant's events; NOT_FOUND for unknown ids and other merchants' events. */
export async function getEventSeqOrThrow(pool: Pool, merchantId: string, eventId: string): Promise<number> {
  const seq = await findEventSeq(pool, merchantId, eventId);
  if (seq === null) throw new AppError('NOT_FOUND', 'event not found');
  return seq;
}

export { eventTypeMatches, eventTypePatternProblem } from '@mypay/contracts';

/**
 * Whether a key authenticated at the start of a long-lived stream still may read: not revoked,
 * merchant not suspended (isApiKeyLive). Streams re-check it now and then, so revoking a key also ends its streams.
 */
export async function isApiKeyStillActive(pool: Pool, keyId: string): Promise<boolean> {
  return (await activeApiKeyIds(pool, [keyId])).has(keyId);
}

/** isApiKeyStillActive for many keys in one statement: the ids of those still active. */
export async function activeApiKeyIds(pool: Pool, keyIds: string[]): Promise<Set<string>> {
  const keys = await findApiKeysByIds(pool, keyIds);
  return new Set(keys.filter(isApiKeyLive).map((key) => key.id));
}
