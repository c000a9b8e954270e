/** Every tunable of webhook intake and processing, with the defaults a deployment starts from. */
export interface WebhookSettings {
  /** Seconds a `Stripe-Signature` timestamp may differ from our clock (Stripe's default: 300). */
  toleranceSeconds: number;
  /** Largest accepted body, in bytes; Stripe events are far smaller. */
  maxBodyBytes: number;
  /** Tries before a failing event is parked for a person to look at. */
  maxAttempts: number;
  /** First retry delay; doubled per attempt, with jitter, up to `backoffMaxMs`. */
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Events claimed per worker transaction (bigger amortises round-trips; smaller keeps PGlite responsive). */
  batchSize: number;
  /**
   * The same on PGlite. Smaller there: PGlite has one connection, so intake's inbox INSERT waits
   * for the whole worker transaction in progress.
   */
  pgliteBatchSize: number;
  /** Most deliveries written by one group-commit INSERT. */
  groupCommitMaxRows: number;
  /** How long an idle intake waits for other deliveries to share an INSERT with (ms). */
  groupCommitDelayMs: number;
  /** Group INSERTs in flight at once on PostgreSQL (PGlite has one connection: always 1). */
  groupCommitInFlight: number;
  /** How often an idle worker looks for due work (other processes' events, retries coming due). */
  pollIntervalMs: number;
  /** How long a connector and its signing secrets are cached by intake; a mismatch always re-reads them. */
  connectorCacheMs: number;
  /** How often buffered intake counters are written to the store. */
  statsFlushMs: number;
  /** How often catch-up lists /v1/events (0 disables the schedule; it still runs on start). */
  catchUpIntervalMs: number;
  /** Overlap (seconds) before the newest seen event when listing, so a late commit is not missed. */
  catchUpOverlapSeconds: number;
  /** Stripe keeps events this long; a gap older than this needs a re-sync. */
  eventRetentionSeconds: number;
}

export const DEFAULT_WEBHOOK_SETTINGS: WebhookSettings = {
  toleranceSeconds: 300,
  maxBodyBytes: 1024 * 1024,
  maxAttempts: 8,
  backoffBaseMs: 1000,
  backoffMaxMs: 60 * 60 * 1000,
  batchSize: 50,
  pgliteBatchSize: 20,
  groupCommitMaxRows: 200,
  groupCommitDelayMs: 2,
  groupCommitInFlight: 4,
  pollIntervalMs: 500,
  connectorCacheMs: 5000,
  statsFlushMs: 1000,
  catchUpIntervalMs: 5 * 60 * 1000,
  catchUpOverlapSeconds: 300,
  eventRetentionSeconds: 30 * 24 * 3600,
};

export function webhookSettings(overrides: Partial<WebhookSettings> = {}): WebhookSettings {
  return { ...DEFAULT_WEBHOOK_SETTINGS, ...overrides };
}
