/**
 * The connector page's own words (shared/seeds/atlas-stripe-connector-docs.txt), used verbatim so
 * what the product says matches the documentation users follow.
 */

export const TROUBLESHOOTING = {
  wrongSigningSecret:
    'No such webhook signing secret: You copied the wrong secret. Open the webhook endpoint in Stripe and click Reveal under Signing secret.',
  revokedKey:
    'StripeAuthenticationError: The restricted key was revoked or rotated. Generate a new key and update Atlas.',
  deliveryFailed:
    'Webhook delivery failed: Check Atlas health page for the connector and confirm the receiver returns a 2xx within 5 seconds.',
} as const;

/** "Events Atlas listens for": what the admin selects on the Stripe webhook endpoint. */
export const EVENTS_TO_SELECT = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'charge.failed',
] as const;

/** Troubleshooting text for a Stripe API error kind (health page, test connection). */
export function troubleshootingForKind(kind: string): string {
  switch (kind) {
    case 'authentication':
      return TROUBLESHOOTING.revokedKey;
    case 'permission':
      return 'Edit the restricted key in Stripe (Developers, API keys) and grant the read permission named in the message: customers, subscriptions, invoices, charges and events read.';
    case 'rate_limited':
      return 'Stripe answered 429 Too Many Requests: lower the connector rate budget (ATLAS_RATE_LIMIT) or wait; syncs resume where they stopped.';
    case 'connection':
      return 'Atlas could not reach Stripe: check the network, a proxy or firewall, and the API base URL.';
    case 'api_error':
      return 'Stripe had a temporary problem (5xx). Atlas retries; if it persists, check status.stripe.com.';
    default:
      return 'Stripe rejected a request: check the API base URL and run Test connection.';
  }
}
