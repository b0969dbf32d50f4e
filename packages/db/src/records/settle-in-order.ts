/**
 * Waits for every promise, then throws the first failure in the given order. Statements sent on one
 * transaction's connection without awaiting each (so the next is built while the previous runs) are
 * awaited with it: a statement the database refuses fails the ones queued after it, and the first
 * failure names the cause.
 */
export async function settleInOrder(writes: ReadonlyArray<Promise<unknown>>): Promise<void> {
  const settled = await Promise.allSettled(writes);
  const failed = settled.find((s) => s.status === 'rejected');
  if (failed) throw failed.reason;
}
