// The simulated clock: advancing runs every scheduled task that falls due, in time order, with
// `now` set to each task's time so events carry non-decreasing `created` values.
import type { SandboxState } from './state.ts';

export function advanceTo(s: SandboxState, to: number, onError?: (err: unknown) => void): void {
  for (;;) {
    const next = s.scheduler.peek();
    if (!next || next.at > to) break;
    s.scheduler.pop();
    if (next.at > s.now) s.now = next.at;
    try {
      next.run();
    } catch (err) {
      // One broken task must not stop the clock; report it and go on.
      onError?.(err);
    }
  }
  if (to > s.now) s.now = to;
}

/** Runs tasks due at or before the current time (e.g. a trial ended "now" by an API call). */
export function runDue(s: SandboxState, onError?: (err: unknown) => void): void {
  advanceTo(s, s.now, onError);
}
