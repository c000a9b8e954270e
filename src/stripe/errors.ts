import { type Permission, permissionForPath, permissionFromMessage } from './permissions.ts';

/**
 * One error type for every failed Stripe call, with the kind the product shows on the health page
 * and a message that says what to do next. The seed's troubleshooting text is used verbatim.
 */

export type StripeErrorKind =
  | 'authentication'
  | 'permission'
  | 'rate_limited'
  | 'api_error'
  | 'connection'
  | 'invalid_request';

export const ERROR_KINDS: readonly StripeErrorKind[] = [
  'authentication',
  'permission',
  'rate_limited',
  'api_error',
  'connection',
  'invalid_request',
];

/** The connector page's troubleshooting entry for a revoked or rotated key. */
export const REVOKED_KEY_MESSAGE =
  'StripeAuthenticationError: The restricted key was revoked or rotated. Generate a new key and update Atlas.';

export interface StripeFailureInfo {
  kind: StripeErrorKind;
  /** HTTP status, absent for connection failures. */
  status?: number;
  method: string;
  /** Path pattern (`/v1/customers/{id}/payment_methods`), never ids or query. */
  endpoint: string;
  /** For `permission`: the missing permission in the product's words. */
  permission?: Permission;
  /** Stripe's own message, for logs (it never contains the key: Stripe masks it). */
  stripeMessage?: string;
  /** Attempts made (1 + retries). */
  attempts: number;
}

export class StripeRequestError extends Error {
  override name = 'StripeRequestError';
  readonly kind: StripeErrorKind;
  readonly status?: number;
  readonly endpoint: string;
  readonly permission?: Permission;
  readonly attempts: number;
  constructor(info: StripeFailureInfo, options?: { cause?: unknown; apiBase?: string }) {
    super(messageFor(info, options?.apiBase), { cause: options?.cause });
    this.kind = info.kind;
    this.status = info.status;
    this.endpoint = info.endpoint;
    this.permission = info.permission;
    this.attempts = info.attempts;
  }
}

export function kindOfStatus(status: number | undefined): StripeErrorKind {
  if (status === undefined) return 'connection';
  if (status === 401) return 'authentication';
  if (status === 403) return 'permission';
  if (status === 429) return 'rate_limited';
  if (status >= 500 || status === 409) return 'api_error';
  return 'invalid_request';
}

/** The permission a 403 is about: named in Stripe's message, else inferred from the path. */
export function missingPermission(message: string | undefined, path: string): Permission | undefined {
  return (message ? permissionFromMessage(message) : undefined) ?? permissionForPath(path);
}

function messageFor(info: StripeFailureInfo, apiBase = 'Stripe'): string {
  const where = `${info.method} ${info.endpoint}`;
  const tries = info.attempts > 1 ? ` after ${info.attempts} attempts` : '';
  switch (info.kind) {
    case 'authentication':
      return REVOKED_KEY_MESSAGE;
    case 'permission': {
      const name = info.permission?.label ?? 'a read permission';
      return `Missing Stripe permission: ${name} (needed for ${where}). Edit the restricted key in the Stripe Dashboard (Developers → API keys), grant ${name}, then try again.`;
    }
    case 'rate_limited':
      return `Stripe kept answering 429 Too Many Requests for ${where}${tries}. Lower the connector's rate budget or try again later; a sync resumes where it stopped.`;
    case 'connection':
      return `Could not reach Stripe at ${apiBase} (${where})${tries}. Check the network and the API base URL, then run the sync again: it resumes where it stopped.`;
    case 'api_error':
      return `Stripe answered ${info.status ?? 'an error'} for ${where}${tries}${info.stripeMessage ? `: ${info.stripeMessage}` : ''}. This is usually temporary: run the sync again later, it resumes where it stopped.`;
    default:
      return `Stripe rejected ${where} (${info.status ?? '?'})${info.stripeMessage ? `: ${info.stripeMessage}` : ''}. Check the API base URL and the connector's API version.`;
  }
}
