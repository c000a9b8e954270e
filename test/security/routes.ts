import type { FastifyInstance } from 'fastify';

/**
 * Every route of the app, read from Fastify's own route tree (`printRoutes`), so a route added by
 * anyone is covered by the security suites without editing them.
 */

export interface RouteInfo {
  method: string;
  url: string;
}

export function listRoutes(app: FastifyInstance): RouteInfo[] {
  const out: RouteInfo[] = [];
  const stack: string[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const m = /^([│ ]*)[├└]── (.+?)(?: \(([^)]*)\))?$/.exec(line);
    if (!m) continue;
    const depth = m[1]!.length / 4;
    stack.length = depth;
    const path = (stack[depth - 1] ?? '') + m[2]!;
    stack[depth] = path;
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim()))
      if (method && method !== 'HEAD') out.push({ method, url: path });
  }
  return out;
}
