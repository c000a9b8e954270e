/** One headline figure. */
export function Kpi(props: {
  label: string;
  value: string;
  title?: string;
  tone?: 'bad' | 'good';
  hint?: string;
}) {
  return (
    <div className={`kpi${props.tone ? ` kpi-${props.tone}` : ''}`} title={props.title}>
      <span className="kpi-label">{props.label}</span>
      <span className="kpi-value">{props.value}</span>
      {props.hint ? <span className="kpi-hint">{props.hint}</span> : null}
    </div>
  );
}
