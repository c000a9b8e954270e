// The HTTP front: auth, rate limits, injected latency and faults, idempotency, routing, and the
// headers every Stripe answer carries (Request-Id, Date on the simulated clock, Stripe-Version).
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { API_VERSION, type SandboxState } from '../engine/state.ts';
import { type Form, FormError, parseForm } from '../util/form.ts';
import { createRng } from '../util/prng.ts';
import { type ApiKey, authenticate, authorize } from './auth.ts';
import { ApiError, invalid, unknownRoute } from './errors.ts';
import { IdempotencyStore } from './idempotency.ts';
import type { RateLimiter } from './ratelimit.ts';
import type { Reply, Router } from './router.ts';

export type Faults = { faultRate: number; latencyMs: number };

export type HttpDeps = {
  state: SandboxState;
  router: Router;
  keys: Map<string, ApiKey>;
  limiter: RateLimiter;
  faults: Faults;
  /** Called after each API call so the sandbox can run work queued by it. */
  afterRequest?: () => void;
};

export function createHttpServer(deps: HttpDeps): Server {
  const idem = new IdempotencyStore();
  // Faults and request ids use their own generator so they never shift the data's random stream.
  const noise = createRng(deps.state.accountId.length * 7919 + 1);
  let requestCounter = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const requestId = `req_${(++requestCounter).toString(36).padStart(6, '0')}${Math.floor(noise.next() * 1e9).toString(36)}`;
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    let reply: Reply;
    try {
      const body = method === 'POST' ? await readBody(req) : '';
      reply = await dispatch(
        deps,
        req,
        method,
        path,
        q < 0 ? '' : url.slice(q + 1),
        body,
        requestId,
        idem,
        noise.next(),
      );
    } catch (err) {
      reply = toReply(err, requestId);
    }
    const headers: Record<string, string | number> = {
      'Content-Type': 'application/json',
      'Request-Id': requestId,
      Date: new Date(deps.state.now * 1000).toUTCString(),
      'Stripe-Version': headerValue(req.headers['stripe-version']) ?? API_VERSION,
      'Content-Length': Buffer.byteLength(reply.body),
      ...reply.headers,
    };
    res.writeHead(reply.status, headers);
    res.end(reply.body);
  };

  const server = createServer({ keepAliveTimeout: 30_000 }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  return server;
}

async function dispatch(
  deps: HttpDeps,
  req: IncomingMessage,
  method: string,
  path: string,
  query: string,
  body: string,
  requestId: string,
  idem: IdempotencyStore,
  roll: number,
): Promise<Reply> {
  const key = authenticate(deps.keys, headerValue(req.headers['authorization']));
  const admin = path.startsWith('/_sandbox/');
  const matched = deps.router.match(method, path);
  if (!admin) {
    const endpoint = typeof matched === 'object' && matched ? matched.route.pattern : path;
    const limited = deps.limiter.check(endpoint);
    if (limited) {
      throw new ApiError(
        429,
        'invalid_request_error',
        'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
        { code: 'rate_limit' },
        { 'Stripe-Rate-Limited-Reason': limited, 'Stripe-Should-Retry': 'true', 'Retry-After': '1' },
      );
    }
    if (deps.faults.latencyMs > 0) await new Promise((r) => setTimeout(r, deps.faults.latencyMs));
    if (deps.faults.faultRate > 0 && roll < deps.faults.faultRate) {
      throw new ApiError(
        500,
        'api_error',
        'An unknown error occurred (injected by the sandbox).',
        {},
        { 'Stripe-Should-Retry': 'true' },
      );
    }
  }
  if (matched === null || matched === 'method') throw unknownRoute(method, path);
  const { route, params } = matched;
  if (route.resource === null) {
    if (key.kind !== 'secret')
      throw new ApiError(403, 'invalid_request_error', 'Sandbox admin routes need the secret key.');
  } else {
    authorize(key, route.resource, route.access, deps.state.accountId);
  }
  let form: Form;
  try {
    form =
      admin && method === 'POST' && body.trimStart().startsWith('{')
        ? parseJsonForm(body)
        : parseForm(method === 'POST' ? body : query);
    if (method === 'POST' && query) form = { ...parseForm(query), ...form };
  } catch (err) {
    if (err instanceof FormError) throw invalid(err.message, err.param);
    throw err;
  }
  const idemKey = method === 'POST' && !admin ? headerValue(req.headers['idempotency-key']) : undefined;
  const fingerprint = idemKey ? createHash('sha256').update(`${method} ${path}\n${body}`).digest('hex') : '';
  if (idemKey) {
    const saved = idem.lookup(key.key.slice(0, 3), idemKey, fingerprint);
    if (saved)
      return {
        status: saved.status,
        body: saved.body,
        headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key': idemKey },
      };
  }
  const expandRaw = form['expand'];
  const expand = Array.isArray(expandRaw)
    ? expandRaw.filter((x): x is string => typeof x === 'string')
    : typeof expandRaw === 'string'
      ? [expandRaw]
      : [];
  const state = deps.state;
  state.request = { id: requestId, idempotencyKey: idemKey ?? null };
  let reply: Reply;
  try {
    reply = route.handler({ state, method, path, params, form, expand });
  } catch (err) {
    reply = toReply(err, requestId);
  } finally {
    state.request = { id: null, idempotencyKey: null };
  }
  // Stripe stores the first answer, errors included, except server errors (safe to retry).
  if (idemKey && reply.status < 500) {
    idem.save(
      key.key.slice(0, 3),
      idemKey,
      fingerprint,
      reply.status,
      typeof reply.body === 'string' ? reply.body : reply.body.toString('utf8'),
    );
    reply.headers = { ...reply.headers, 'Idempotency-Key': idemKey };
  }
  deps.afterRequest?.();
  return reply;
}

function parseJsonForm(body: string): Form {
  try {
    return JSON.parse(body) as Form;
  } catch {
    throw invalid('Invalid JSON body');
  }
}

function toReply(err: unknown, requestId: string): Reply {
  if (err instanceof ApiError) return { status: err.status, body: err.body(requestId), headers: err.headers };
  const e = new ApiError(
    500,
    'api_error',
    `Sandbox internal error: ${err instanceof Error ? err.message : String(err)}`,
  );
  return { status: 500, body: e.body(requestId) };
}

function headerValue(v: string | string[] | undefined): string | undefined {
  return Array.isArray(v) ? v[0] : v;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
