import { Check } from './badges.tsx';

export interface CheckRow {
  key: string;
  label: string;
  ok: boolean;
  message?: string;
  troubleshooting?: string;
}

/** Per-permission (connect) or per-step (test connection) results. */
export function CheckList({ title, rows }: { title: string; rows: CheckRow[] }) {
  if (rows.length === 0) return null;
  return (
    <div className="checks">
      <h3>{title}</h3>
      <ul className="checks-list">
        {rows
          .map((r) => ({ ...r, message: withoutLabel(r.message, r.label) }))
          .map((r) => (
            <li key={r.key} className={r.ok ? 'ok' : 'fail'} data-testid={`check-${r.key}`}>
              <Check ok={r.ok} />
              <div>
                <strong>{r.label}</strong>
                {r.message ? <span className="check-message"> — {r.message}</span> : null}
                {r.troubleshooting && !r.ok ? <p className="troubleshooting">{r.troubleshooting}</p> : null}
              </div>
            </li>
          ))}
      </ul>
    </div>
  );
}

/** "Customers read: granted" under the label "Customers read" reads as "granted". */
function withoutLabel(message: string | undefined, label: string): string | undefined {
  if (!message?.startsWith(label)) return message;
  return message.slice(label.length).replace(/^[\s:—-]+/, '') || undefined;
}
