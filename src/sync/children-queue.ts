import type { Queryable } from '../db/client.ts';
import { pendingChildren } from './checkpoints.ts';

/**
 * The customers whose payment methods are still to be listed, read from sync_seen in batches so
 * memory stays flat however many customers the account has. Customers committed while the queue
 * runs mark it dirty; it then makes one more pass from the start, since new ids may sort anywhere.
 */
export interface ChildrenQueue {
  /** The next customer to work on, or null when none is ready right now. */
  take(): Promise<string | null>;
  /** The customer's payment methods are committed (or the work was abandoned). */
  release(id: string): void;
  /** New customers were committed. */
  markDirty(): void;
  /** Nothing pending, nothing claimed, nothing new since the last full pass. */
  readonly idle: boolean;
}

export function createChildrenQueue(
  q: Queryable,
  runId: string,
  parentFamily: string,
  batch = 500,
): ChildrenQueue {
  const claimed = new Set<string>();
  const buffer: string[] = [];
  let afterId = '';
  let dirty = true;
  let refilling: Promise<void> | null = null;

  // Refilled ahead, at a quarter full: workers that find the buffer empty wait for the store, and
  // the budget idles meanwhile (seen at 200k objects as dips to a third of the budget).
  const low = Math.max(1, Math.floor(batch / 4));

  async function refill(): Promise<void> {
    while (buffer.length < low && (afterId !== '' || dirty)) {
      if (afterId === '') dirty = false;
      const ids = await pendingChildren(q, runId, parentFamily, afterId, batch);
      if (ids.length === 0) {
        afterId = '';
        if (!dirty) return;
        continue;
      }
      afterId = ids.at(-1)!;
      // A new pass from the start meets ids still buffered or being worked on: skip those.
      const buffered = new Set(buffer);
      for (const id of ids) if (!claimed.has(id) && !buffered.has(id)) buffer.push(id);
    }
  }

  return {
    async take() {
      if (buffer.length < low) {
        // One refill at a time: concurrent workers share its result.
        if (!refilling) {
          refilling = refill().finally(() => {
            refilling = null;
          });
          // Read ahead in the background: a failure surfaces to the next worker that waits on it.
          refilling.catch(() => {});
        }
        if (buffer.length === 0) await refilling;
      }
      const id = buffer.shift();
      if (id === undefined) return null;
      claimed.add(id);
      return id;
    },
    release(id) {
      claimed.delete(id);
    },
    markDirty() {
      dirty = true;
    },
    get idle() {
      return buffer.length === 0 && claimed.size === 0 && !dirty && afterId === '' && refilling === null;
    },
  };
}
