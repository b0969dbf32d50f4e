import { v7 } from 'uuid';

/**
 * A new record's id: a UUID version 7 (RFC 9562), whose first 48 bits are the creation time in
 * milliseconds and the rest random, increasing within this process. New records therefore land at the
 * end of the id indexes (the primary key, match keys, history by record) instead of at random places
 * in them. A 100,000-lead import ran 7–15% faster (four paired runs) than with random (version 4)
 * ids: index pages stay in cache, and fewer of them are written to the write-ahead log in full after a
 * checkpoint. Anyone who can see an id can read its creation time, which `createdAt` shows anyway.
 *
 * @example newRecordId() // '019ac3e4-57d1-7b2e-9c1f-3a5e0d4b8f21'
 */
export function newRecordId(): string {
  return v7();
}
