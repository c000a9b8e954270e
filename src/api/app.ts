import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import { ZodError } from 'zod';
import { authenticateHook, bearerTokenAuthenticator } from './auth.ts';
import type { AppDeps } from './deps.ts';
import { ApiError } from './errors.ts';

/** A route module in ./routes: `export default async function (app, deps) { … }`. */
export type RouteModule = (app: FastifyInstance, deps: AppDeps) => Promise<void>;

const ROUTES_DIR = join(import.meta.dirname, 'routes');

/**
 * The HTTP app: error shape, authentication, /healthz, /metrics, and every route module in
 * ./routes. It holds no business logic.
 */
export async function buildApp(
  deps: AppDeps,
  options: { logger?: boolean | object } = {},
): Promise<FastifyInstance> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
  });

  app.setErrorHandler((error, request, reply) => {
    if (error instanceof ApiError) {
      return reply
        .status(error.status)
        .send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error instanceof ZodError) {
      return reply.status(400).send({
        error: {
          code: 'invalid_request',
          message: error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '),
          details: error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
        },
      });
    }
    const e = error as { statusCode?: number; code?: string; message?: string };
    if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500) {
      // Fastify's own codes (FST_ERR_CTP_…) are internal names: answer with stable, documented ones.
      const code =
        e.statusCode === 413
          ? 'payload_too_large'
          : e.code?.startsWith('FST_ERR_CTP_')
            ? 'invalid_body'
            : (e.code ?? 'bad_request').toLowerCase();
      return reply.status(e.statusCode).send({ error: { code, message: e.message ?? 'Bad request' } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply
      .status(500)
      .send({ error: { code: 'internal_error', message: 'Something went wrong on our side' } });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: { code: 'not_found', message: `No route ${request.method} ${request.url.split('?')[0]}` },
    }),
  );

  app.addHook(
    'onRequest',
    authenticateHook([bearerTokenAuthenticator(deps.db), ...(deps.authenticators ?? [])]),
  );

  app.get('/healthz', { config: { public: true } }, async (_req, reply) => {
    try {
      await deps.db.query('SELECT 1');
      return { status: 'ok' };
    } catch {
      return reply.status(503).send({ status: 'unavailable', reason: 'store unreachable' });
    }
  });

  app.get('/metrics', { config: { public: true } }, async (_req, reply) => {
    reply.header('content-type', deps.registry.contentType);
    return deps.registry.metrics();
  });

  for (const file of readdirSync(ROUTES_DIR)
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts'))
    .sort()) {
    const mod = (await import(join(ROUTES_DIR, file))) as { default?: RouteModule };
    if (mod.default) await app.register(async (scoped) => mod.default!(scoped, deps));
  }
  return app;
}
