// A small typed client for the public REST API, the same one the SDK uses. The browser sends the
// session cookie itself; state-changing calls add the CSRF token that GET /api/me hands out.

import { toSyncView } from './sync-view.ts';
import type {
  AccountDetail,
  AccountSummary,
  Connector,
  ConnectorHealth,
  ConnectResult,
  EraseResult,
  ListResponse,
  Me,
  MrrReport,
  TestResult,
  TimelineEntry,
} from './types.ts';

/** An API answer that was not 2xx, with the contract's `{error: {code, message, details}}`. */
export class ApiRequestError extends Error {
  override name = 'ApiRequestError';
  readonly status: number;
  readonly code: string;
  readonly details: unknown;
  constructor(options: { status: number; code: string; message: string; details?: unknown }) {
    super(options.message);
    this.status = options.status;
    this.code = options.code;
    this.details = options.details;
  }
}

let csrfToken: string | null = null;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Fired when the session has expired, so the app can show the sign-in page. */
export const UNAUTHENTICATED_EVENT = 'atlas:unauthenticated';

type Query = Record<string, string | number | boolean | null | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (v !== undefined && v !== null && v !== '') params.set(k, String(v));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

async function request<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(path, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiRequestError({
      status: 0,
      code: 'network_error',
      message: 'The server could not be reached. Check that atlas-stripe is running, then retry.',
      details: String(cause),
    });
  }
  const text = await response.text();
  let json: unknown = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  if (!response.ok) {
    const e = (json as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    if (response.status === 401 && path !== '/api/auth/login' && path !== '/api/me')
      window.dispatchEvent(new Event(UNAUTHENTICATED_EVENT));
    throw new ApiRequestError({
      status: response.status,
      code: e?.code ?? `http_${response.status}`,
      message: e?.message ?? `The server answered ${response.status} ${response.statusText}`,
      details: e?.details,
    });
  }
  return json as T;
}

const get = <T>(path: string, query?: Query) => request<T>('GET', withQuery(path, query));
const post = <T>(path: string, body: unknown = {}) => request<T>('POST', path, body);
const enc = encodeURIComponent;

export const api = {
  setupStatus: (token?: string) =>
    get<{
      needed: boolean;
      link: { valid: boolean; purpose?: 'owner' | 'invite'; email?: string | null } | null;
    }>('/api/setup', { token }),
  setup: (body: { token: string; email: string; password: string; name: string }) =>
    post<unknown>('/api/setup', body),
  login: (body: { email: string; password: string }) => post<unknown>('/api/auth/login', body),
  logout: () => post<unknown>('/api/auth/logout'),
  me: () => get<Me>('/api/me'),

  connectors: () => get<{ data: Connector[] }>('/api/connectors'),
  connector: (id: string) => get<Connector>(`/api/connectors/${enc(id)}`),
  connect: (body: { api_key: string; webhook_secret: string; api_base?: string }) =>
    post<ConnectResult>('/api/connectors', body),
  testConnector: (id: string) => post<TestResult>(`/api/connectors/${enc(id)}/test`),
  connectorHealth: (id: string) => get<ConnectorHealth>(`/api/connectors/${enc(id)}/health`),
  roll: (id: string, body: { api_key?: string; webhook_secret?: string }) =>
    post<Partial<ConnectResult> & Record<string, unknown>>(`/api/connectors/${enc(id)}/roll`, body),
  disconnect: (id: string) => request<EraseResult>('DELETE', `/api/connectors/${enc(id)}?delete_data=true`),
  startSync: (id: string) => post<{ started: boolean }>(`/api/connectors/${enc(id)}/sync`),
  syncStatus: (id: string) => get<unknown>(`/api/connectors/${enc(id)}/sync`).then(toSyncView),
  retryEvent: (id: string, eventId: string) =>
    post<unknown>(`/api/connectors/${enc(id)}/events/${enc(eventId)}/retry`),

  accounts: (query: { health?: string; q?: string; sort?: string; limit?: number; cursor?: string }) =>
    get<ListResponse<AccountSummary>>('/api/accounts', query),
  account: (id: string) => get<AccountDetail>(`/api/accounts/${enc(id)}`),
  timeline: (id: string) => get<{ data: TimelineEntry[] }>(`/api/accounts/${enc(id)}/timeline`),

  mrrReport: (query: { from?: string; to?: string; currency?: string; interval?: string }) =>
    get<MrrReport>('/api/reports/mrr', query),
};
