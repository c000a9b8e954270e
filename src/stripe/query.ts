/**
 * Query strings in Stripe's bracket notation (`created[gte]=1`, `expand[]=data.customer`). GET
 * parameters go in the path because the SDK's raw request only sends a body on POST.
 */

export type QueryValue =
  | string
  | number
  | boolean
  | undefined
  | null
  | QueryValue[]
  | { [k: string]: QueryValue };
export type QueryParams = Record<string, QueryValue>;

export function toQueryString(params: QueryParams): string {
  const parts: string[] = [];
  const walk = (key: string, value: QueryValue) => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) for (const v of value) walk(`${key}[]`, v);
    else if (typeof value === 'object') for (const [k, v] of Object.entries(value)) walk(`${key}[${k}]`, v);
    else
      parts.push(
        `${encodeURIComponent(key).replace(/%5B/g, '[').replace(/%5D/g, ']')}=${encodeURIComponent(String(value))}`,
      );
  };
  for (const [k, v] of Object.entries(params)) walk(k, v);
  return parts.join('&');
}
