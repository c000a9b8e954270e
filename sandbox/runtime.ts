// Everything a running sandbox holds besides the data: keys, limits, faults, webhook plumbing.
// Admin routes and the in-process handle both act on this object.
import type { SandboxState } from './engine/state.ts';
import type { ApiKey } from './http/auth.ts';
import type { RateLimiter } from './http/ratelimit.ts';
import type { Faults } from './http/server.ts';
import type { WebhookDispatcher } from './webhooks/deliver.ts';
import type { RollingSecret } from './webhooks/sign.ts';

export type Runtime = {
  state: SandboxState;
  keys: Map<string, ApiKey>;
  limiter: RateLimiter;
  limits: { rateLimit: number | null; endpointRateLimit: number | null };
  faults: Faults;
  dispatcher: WebhookDispatcher;
  /** Signing secrets of the `webhookUrl` option target. */
  mainSecrets: RollingSecret[];
  webhookUrl: string | null;
  /** Signing secrets per webhook endpoint created through the API. */
  endpointSecrets: Map<string, RollingSecret[]>;
  /** Advances the simulated clock, running every task that falls due. */
  advanceTo: (unix: number) => void;
};
