import type { FastifyReply, FastifyRequest } from 'fastify';
import { type TokenScope, verifyApiToken } from '../auth/tokens.ts';
import type { Db } from '../db/client.ts';
import { ApiError } from './errors.ts';

/**
 * Who is calling. Every /api route needs a principal unless it is declared `config: { public: true }`;
 * GET/HEAD need the read scope, anything else write (a route may lower it with `config: { scope: 'read' }`).
 */
export interface RequestPrincipal {
  workspaceId: string;
  scope: TokenScope;
  /** 'token:<id>' or 'user:<id>', for the audit log. */
  actor: string;
  role?: 'owner' | 'admin' | 'viewer';
  userId?: string;
}

export type Authenticator = (request: FastifyRequest) => Promise<RequestPrincipal | null>;

declare module 'fastify' {
  interface FastifyRequest {
    principal?: RequestPrincipal;
  }
  interface FastifyContextConfig {
    public?: boolean;
    scope?: TokenScope;
  }
}

export function bearerTokenAuthenticator(db: Db): Authenticator {
  return async (request) => {
    const header = request.headers.authorization;
    if (!header?.startsWith('Bearer ')) return null;
    const p = await verifyApiToken(db, header.slice(7).trim());
    if (!p) throw new ApiError(401, 'invalid_token', 'The API token is unknown or revoked');
    return { workspaceId: p.workspaceId, scope: p.scope, actor: `token:${p.tokenId}` };
  };
}

export function authenticateHook(authenticators: Authenticator[]) {
  return async (request: FastifyRequest, _reply: FastifyReply) => {
    if (!request.url.startsWith('/api/') || request.routeOptions.config?.public) return;
    for (const authenticate of authenticators) {
      const principal = await authenticate(request);
      if (principal) {
        request.principal = principal;
        break;
      }
    }
    if (!request.principal) {
      throw new ApiError(
        401,
        'unauthenticated',
        'Send an API token as "Authorization: Bearer <token>", or sign in',
      );
    }
    const needed =
      request.routeOptions.config?.scope ?? (['GET', 'HEAD'].includes(request.method) ? 'read' : 'write');
    if (needed === 'write' && request.principal.scope !== 'write') {
      throw new ApiError(403, 'insufficient_scope', 'This action needs a token or role with write access');
    }
  };
}

/** The caller's principal inside a protected route. */
export function principalOf(request: FastifyRequest): RequestPrincipal {
  if (!request.principal) throw new ApiError(401, 'unauthenticated', 'Not signed in');
  return request.principal;
}
