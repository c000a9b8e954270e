// Idempotency keys on POST: the first answer is replayed for the same key and parameters; a reuse
// with different parameters is an idempotency_error. Entries live 24 hours (real time).
import { ApiError } from './errors.ts';

type Saved = { fingerprint: string; status: number; body: string; at: number };
const TTL_MS = 24 * 3600 * 1000;

export class IdempotencyStore {
  private saved = new Map<string, Saved>();

  lookup(scope: string, key: string, fingerprint: string): Saved | undefined {
    const s = this.saved.get(`${scope}\n${key}`);
    if (!s) return undefined;
    if (Date.now() - s.at > TTL_MS) {
      this.saved.delete(`${scope}\n${key}`);
      return undefined;
    }
    if (s.fingerprint !== fingerprint) {
      throw new ApiError(
        400,
        'idempotency_error',
        `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
      );
    }
    return s;
  }

  save(scope: string, key: string, fingerprint: string, status: number, body: string): void {
    this.saved.set(`${scope}\n${key}`, { fingerprint, status, body, at: Date.now() });
  }
}
