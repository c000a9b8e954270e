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
  let buffer: string[] = [];
  let afterId = '';
  let dirty = true;
  let refilling: Promise<void> | null = null;

  async function refill(): Promise<void> {
    while (buffer.length === 0 && (afterId !== '' || dirty)) {
      if (afterId === '') dirty = false;
      const ids = await pendingChildren(q, runId, parentFamily, afterId, batch);
      if (ids.length === 0) {
        afterId = '';
        if (!dirty) return;
        continue;
      }
      afterId = ids.at(-1)!;
      buffer = ids.filter((id) => !claimed.has(id));
    }
  }

  return {
    async take() {
      if (buffer.length === 0) {
        // One refill at a time: concurrent workers share its result.
        refilling ??= refill().finally(() => {
          refilling = null;
        });
        await refilling;
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
      return buffer.length === 0 && claimed.size === 0 && !dirty && afterId === '';
    },
  };
}
