import { randomFillSync } from 'node:crypto';
import { v7 } from 'uuid';

// Random bytes for 256 ids, filled at once: one WebCrypto call per id (the library's default source)
// took about 6 µs, a third of what a bulk create spends on a record's own columns.
const pool = new Uint8Array(16 * 256);
let used = pool.length;
// The clock and the counter of the last id (RFC 9562, method 1): ids made in the same millisecond
// count up from a random start, so they stay in creation order.
let lastMs = Number.NEGATIVE_INFINITY;
let seq = 0;

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
  if (used === pool.length) {
    randomFillSync(pool);
    used = 0;
  }
  const random = pool.subarray(used, used + 16);
  used += 16;
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    // 31 random bits: room to count up within the millisecond.
    seq = ((random[6]! & 0x7f) << 24) | (random[7]! << 16) | (random[8]! << 8) | random[9]!;
  } else {
    seq = (seq + 1) | 0;
    if (seq === 0) lastMs += 1;
  }
  return v7({ random, msecs: lastMs, seq });
}
