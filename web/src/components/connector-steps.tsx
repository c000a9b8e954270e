// The set-up steps of Atlas's Stripe connector page (seeds/atlas-stripe-connector-docs.txt).

import { CopyField } from './copy-field.tsx';

export const REQUIRED_PERMISSIONS = [
  { label: 'Customers', scope: 'read_only.customers' },
  { label: 'Subscriptions', scope: 'read_only.subscriptions' },
  { label: 'Invoices', scope: 'read_only.invoices' },
  { label: 'Charges', scope: 'read_only.charges' },
  { label: 'Events', scope: 'read_only.events' },
];

export const EVENTS_TO_SELECT = [
  'customer.subscription.created',
  'customer.subscription.updated',
  'invoice.payment_succeeded',
  'invoice.payment_failed',
  'charge.failed',
];

export function ConnectorSteps({ webhookUrl, events }: { webhookUrl: string; events: string[] }) {
  return (
    <ol className="steps">
      <li>
        <h3>Open the Stripe API keys page</h3>
        <p>
          Sign in as the account owner (use test mode first) and open{' '}
          <a href="https://dashboard.stripe.com/apikeys" target="_blank" rel="noreferrer">
            dashboard.stripe.com/apikeys
          </a>
          .
        </p>
      </li>
      <li>
        <h3>Create a restricted key</h3>
        <p>
          Click <strong>Create restricted key</strong>, name it <strong>Atlas Connector</strong>, and grant
          only these permissions (everything else stays <em>None</em>):
        </p>
        <table className="table compact permissions">
          <thead>
            <tr>
              <th scope="col">Resource</th>
              <th scope="col">Permission</th>
              <th scope="col">Scope</th>
            </tr>
          </thead>
          <tbody>
            {REQUIRED_PERMISSIONS.map((p) => (
              <tr key={p.scope}>
                <td>{p.label}</td>
                <td>Read</td>
                <td>
                  <code>{p.scope}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </li>
      <li>
        <h3>Copy the secret</h3>
        <p>Stripe shows the key once. Paste it into the Connect form.</p>
      </li>
      <li>
        <h3>Create a webhook endpoint</h3>
        <p>
          In Stripe, open <strong>Developers → Webhooks</strong>, add an endpoint with this URL and select
          these {events.length} events. Then click <strong>Reveal</strong> under <em>Signing secret</em> and
          paste it into the Connect form.
        </p>
        <CopyField label="Webhook endpoint URL" value={webhookUrl} />
        <CopyField label="Events to select" value={events.join('\n')} multiline />
      </li>
      <li>
        <h3>Run a test event</h3>
        <p>
          After you click Connect, click <strong>Send test webhook</strong> for{' '}
          <code>customer.subscription.created</code> in Stripe. Atlas marks the connector{' '}
          <strong>Connected</strong> when the first signed event arrives.
        </p>
      </li>
    </ol>
  );
}
