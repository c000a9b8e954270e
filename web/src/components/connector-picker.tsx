import { navigate, useLocation } from '../router.tsx';
import type { Connector } from '../types.ts';

/** The connector a page shows: `?connector=` when several exist, else the first. */
export function useChosenConnector(connectors: Connector[]): Connector | undefined {
  const { query } = useLocation();
  const wanted = query.get('connector');
  return connectors.find((c) => c.id === wanted) ?? connectors[0];
}

/** Only shown when the workspace holds more than one connector (e.g. the demo sandbox and Stripe). */
export function ConnectorPicker({ connectors, chosen }: { connectors: Connector[]; chosen: Connector }) {
  if (connectors.length < 2) return null;
  return (
    <div className="field connector-picker">
      <label htmlFor="connector-picker">Connector</label>
      <select
        id="connector-picker"
        value={chosen.id}
        onChange={(e) =>
          navigate(`${window.location.pathname}?connector=${encodeURIComponent(e.target.value)}`)
        }
      >
        {connectors.map((c) => (
          <option key={c.id} value={c.id}>
            {c.name} · {c.api_key_mask ?? c.id}
            {c.sandbox ? ' (sandbox)' : ''}
          </option>
        ))}
      </select>
    </div>
  );
}
