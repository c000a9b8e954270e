import { existsSync, statSync } from 'node:fs';
import { join, normalize } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { ApiError } from '../errors.ts';

/**
 * The web UI: files from web/dist (built by `npm run build:web`, which `npm start` runs first), and
 * index.html for every other GET that is not an API or webhook path, so deep links like
 * /accounts/acct_1 load the app. The pages themselves are public; their data comes from /api.
 */

const WEB_DIST = join(import.meta.dirname, '..', '..', '..', 'web', 'dist');

// The UI loads only its own scripts and styles and talks only to this origin.
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
  "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

function securityHeaders(reply: FastifyReply): FastifyReply {
  // Helmet may already have set these for the whole app; only fill the gaps.
  const set = (name: string, value: string) => {
    if (!reply.hasHeader(name)) reply.header(name, value);
  };
  set('content-security-policy', CSP);
  set('x-content-type-options', 'nosniff');
  set('x-frame-options', 'DENY');
  // The set-up link carries a one-time token in its query: never send it to another site.
  set('referrer-policy', 'no-referrer');
  return reply;
}

export default async function webRoutes(app: FastifyInstance, _deps: AppDeps): Promise<void> {
  await app.register(fastifyStatic, { root: WEB_DIST, serve: false, index: false });

  app.get('/*', { config: { public: true } }, async (request, reply) => {
    const path = request.url.split('?')[0] ?? '/';
    if (path === '/api' || path.startsWith('/api/') || path.startsWith('/webhooks')) {
      throw new ApiError(404, 'not_found', `No route ${request.method} ${path}`);
    }
    if (!existsSync(join(WEB_DIST, 'index.html'))) {
      return reply
        .status(503)
        .type('text/plain; charset=utf-8')
        .send(
          'The web UI is not built yet. Run `npm run build:web` (`npm start` does it for you), then reload.',
        );
    }
    let relative: string;
    try {
      relative = normalize(decodeURIComponent(path)).replace(/^[/\\]+/, '');
    } catch {
      relative = '';
    }
    if (relative && !relative.startsWith('..') && isFile(join(WEB_DIST, relative))) {
      // Vite puts a content hash in every asset name, so assets never change under the same URL.
      const immutable = relative.startsWith('assets/');
      return securityHeaders(reply).sendFile(relative, {
        cacheControl: true,
        immutable,
        maxAge: immutable ? 31_536_000_000 : 0,
      });
    }
    return securityHeaders(reply)
      .header('cache-control', 'no-cache')
      .sendFile('index.html', { cacheControl: false });
  });
}
