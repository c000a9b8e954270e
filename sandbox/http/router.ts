// Route table: method + path pattern → handler, with the resource and access each route needs.
import type { SandboxState } from '../engine/state.ts';
import type { Form } from '../util/form.ts';
import type { Resource } from './auth.ts';

export type Reply = { status: number; body: string | Buffer; headers?: Record<string, string> };

export type Ctx = {
  state: SandboxState;
  method: string;
  path: string;
  params: Record<string, string>;
  form: Form;
  expand: string[];
};

export type Handler = (ctx: Ctx) => Reply;

export type Route = {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: string;
  /** null for admin routes, which need the secret key instead. */
  resource: Resource | null;
  access: 'read' | 'write';
  handler: Handler;
};

type Compiled = Route & { parts: string[] };

export class Router {
  private routes: Compiled[] = [];

  add(routes: Route[]): void {
    for (const r of routes) this.routes.push({ ...r, parts: r.pattern.split('/') });
  }

  match(method: string, path: string): { route: Route; params: Record<string, string> } | 'method' | null {
    const parts = path.split('/');
    let pathMatched = false;
    for (const r of this.routes) {
      if (r.parts.length !== parts.length) continue;
      const params: Record<string, string> = {};
      let ok = true;
      for (let i = 0; i < parts.length; i++) {
        const p = r.parts[i]!;
        if (p.startsWith(':')) params[p.slice(1)] = decodeURIComponent(parts[i]!);
        else if (p !== parts[i]) {
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      pathMatched = true;
      if (r.method === method) return { route: r, params };
    }
    return pathMatched ? 'method' : null;
  }
}

export function json(status: number, body: string): Reply {
  return { status, body };
}

export function ok(value: unknown): Reply {
  return { status: 200, body: JSON.stringify(value) };
}
