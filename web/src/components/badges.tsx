import { words } from '../format.ts';
import type { ConnectorStatus, Health } from '../types.ts';

const HEALTH_LABEL: Record<Health, string> = {
  healthy: 'Healthy',
  trialing: 'Trialing',
  at_risk: 'At risk',
  delinquent: 'Delinquent',
  churned: 'Churned',
  no_billing: 'No billing',
};

export const HEALTH_VALUES = Object.keys(HEALTH_LABEL) as Health[];

export function healthLabel(h: string): string {
  return HEALTH_LABEL[h as Health] ?? words(h);
}

export function HealthBadge({ health }: { health: string }) {
  return <span className={`badge health-${health}`}>{healthLabel(health)}</span>;
}

export function PaymentBadge({ status, days }: { status: string; days?: number }) {
  const tone = status === 'current' ? 'ok' : status === 'past_due' ? 'warn' : 'bad';
  return (
    <span className={`badge tone-${tone}`}>
      {words(status)}
      {days && days > 0 ? ` · ${days} d` : ''}
    </span>
  );
}

const STATUS_LABEL: Record<ConnectorStatus, string> = {
  not_connected: 'Not connected',
  awaiting_test_event: 'Awaiting test event',
  connected: 'Connected',
  error: 'Error',
};

export function ConnectorStatusBadge({ status }: { status: ConnectorStatus }) {
  return (
    <span className={`badge status-${status}`} data-testid="connector-status">
      {STATUS_LABEL[status] ?? words(status)}
    </span>
  );
}

export function Check({ ok }: { ok: boolean }) {
  return (
    <span
      className={`check ${ok ? 'check-ok' : 'check-fail'}`}
      role="img"
      aria-label={ok ? 'passed' : 'failed'}
    >
      {ok ? '✓' : '✕'}
    </span>
  );
}
