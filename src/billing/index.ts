// The billing rules: pure functions, objects in, figures out. Callers import from here.

export { formatDate, isoDate, utc } from './dates.ts';
export {
  convertExact,
  convertMinorExact,
  convertMrr,
  type FxRatePoint,
  type FxRates,
  MissingFxRateError,
  ratesAsOf,
} from './fx.ts';
export {
  type BillingHealth,
  type BillingHealthInput,
  billingHealth,
  cardExpiresAt,
  DEFAULT_HEALTH_SETTINGS,
  type Health,
  type HealthSettings,
} from './health.ts';
export { currencyExponent, formatMoney, fromMajor, roundMinor, toMajor } from './money.ts';
export {
  type DailyMovement,
  type DatedMovement,
  type DayFx,
  dailyMovement,
  MOVEMENT_KINDS,
  type MovementKind,
  type MovementTotals,
  type MrrDay,
  movementsFromSeries,
  summariseMovements,
} from './movements.ts';
export {
  accountMrr,
  accountScheduledChurnMrr,
  type ItemMrr,
  isZeroMrr,
  type SubscriptionMrr,
  subscriptionCounts,
  subscriptionMrr,
} from './mrr.ts';
export {
  type DelinquentInvoice,
  type PaymentStatus,
  type PaymentStatusInput,
  paymentStatus,
} from './payment-status.ts';
export { arpa, grossMrrChurnRate, netMrrChurnRate, quickRatio, subscriberChurnRate } from './rates.ts';
export { describeEvent, type TimelineEvent } from './timeline.ts';
export type * from './types.ts';
