import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Authenticator } from '../api/auth.ts';
import { ApiError } from '../api/errors.ts';
import type { Db } from '../db/client.ts';
import { scopeOfRole } from './roles.ts';
import { csrfMatches, resolveSession, SESSION_COOKIE, SESSION_TTL_SECONDS } from './sessions.ts';

/**
 * The session cookie as an authenticator for the HTTP app (API tokens are built in). It runs in
 * the app's root onRequest hook, before @fastify/cookie (registered by the route scopes that set the
 * cookie) has parsed anything, so it reads its one cookie from the header itself. State-changing requests must echo the session's CSRF token in `x-csrf-token`.
 */

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function sessionTokenOf(request: FastifyRequest): string | null {
  const header = request.headers.cookie;
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === SESSION_COOKIE) return part.slice(eq + 1).trim() || null;
  }
  return null;
}

export function sessionAuthenticator(db: Db): Authenticator {
  return async (request) => {
    const token = sessionTokenOf(request);
    if (!token) return null;
    const session = await resolveSession(db, token);
    if (!session) return null;
    if (!SAFE_METHODS.has(request.method)) {
      const header = request.headers['x-csrf-token'];
      if (!csrfMatches(token, typeof header === 'string' ? header : undefined))
        throw new ApiError(
          403,
          'csrf_failed',
          'Send the csrf_token from GET /api/me in the x-csrf-token header with every change',
        );
    }
    return {
      workspaceId: session.workspaceId,
      scope: scopeOfRole(session.role),
      actor: `user:${session.userId}`,
      role: session.role,
      userId: session.userId,
    };
  };
}

/** Cookie attributes: httpOnly, SameSite=Lax, Secure when the public URL is https. */
function cookieOptions(publicUrl: string | undefined, maxAge: number): CookieSerializeOptions {
  return {
    httpOnly: true,
    sameSite: 'lax',
    secure: publicUrl?.startsWith('https:') ?? false,
    path: '/',
    maxAge,
  };
}

/** Sets the session cookie (the route scope registers @fastify/cookie). */
export function setSessionCookie(reply: FastifyReply, token: string, options: { publicUrl?: string }): void {
  reply.setCookie(SESSION_COOKIE, token, cookieOptions(options.publicUrl, SESSION_TTL_SECONDS));
}

export function clearSessionCookie(reply: FastifyReply, options: { publicUrl?: string }): void {
  reply.setCookie(SESSION_COOKIE, '', cookieOptions(options.publicUrl, 0));
}
