// /v1/events (30-day window of the simulated clock) and /v1/webhook_endpoints.
import { EVENT_RETENTION_SECONDS } from '../engine/state.ts';
import { invalid, notFound } from '../http/errors.ts';
import type { Route } from '../http/router.ts';
import { newWebhookEndpoint } from '../objects/money.ts';
import type { Runtime } from '../runtime.ts';
import { mergeMetadata, reqStr, str, strList } from '../util/params.ts';
import { randomToken } from '../util/prng.ts';
import { deleted, getOr404, listReply, objectReply } from './helpers.ts';

function typeMatcher(pattern: string): (t: string) => boolean {
  if (pattern.endsWith('.*')) {
    const prefix = pattern.slice(0, -1);
    return (t) => t.startsWith(prefix);
  }
  return (t) => t === pattern;
}

export function eventRoutes(rt: Runtime): Route[] {
  return [
    {
      method: 'GET',
      pattern: '/v1/events',
      resource: 'events',
      access: 'read',
      handler: (ctx) => {
        const type = str(ctx.form, 'type');
        const types = strList(ctx.form, 'types');
        if (type && types)
          throw invalid('You may only specify one of these parameters: type, types.', 'types');
        const matchers = (types ?? (type ? [type] : [])).map(typeMatcher);
        const oldest = ctx.state.now - EVENT_RETENTION_SECONDS;
        return listReply(
          ctx,
          ctx.state.store.events,
          '/v1/events',
          (e) => e.created >= oldest && (matchers.length === 0 || matchers.some((m) => m(e.type))),
        );
      },
    },
    {
      method: 'GET',
      pattern: '/v1/events/:id',
      resource: 'events',
      access: 'read',
      handler: (ctx) => {
        const e = ctx.state.store.events.get(ctx.params['id']!);
        if (!e || e.created < ctx.state.now - EVENT_RETENTION_SECONDS)
          throw notFound('event', ctx.params['id']!);
        return objectReply(ctx, ctx.state.store.events, e.id);
      },
    },
    {
      method: 'POST',
      pattern: '/v1/webhook_endpoints',
      resource: 'webhook_endpoints',
      access: 'write',
      handler: (ctx) => {
        const s = ctx.state;
        const url = reqStr(ctx.form, 'url');
        if (!/^https?:\/\//.test(url))
          throw invalid('Invalid URL: must be http or https.', 'url', 'url_invalid');
        const enabled = strList(ctx.form, 'enabled_events');
        if (!enabled?.length)
          throw invalid('Missing required param: enabled_events.', 'enabled_events', 'parameter_missing');
        const we = newWebhookEndpoint({
          id: s.newId('we_'),
          created: s.now,
          url,
          enabledEvents: enabled,
          description: str(ctx.form, 'description') ?? null,
          apiVersion: str(ctx.form, 'api_version') ?? null,
          metadata: mergeMetadata({}, ctx.form),
        });
        const secret = `whsec_${randomToken(s.rng, 32)}`;
        rt.endpointSecrets.set(we.id, [{ secret, expiresAtMs: null }]);
        s.store.webhook_endpoints.insert(we);
        // The secret is shown once, in the create answer only.
        return { status: 200, body: JSON.stringify({ ...we, secret }) };
      },
    },
    {
      method: 'GET',
      pattern: '/v1/webhook_endpoints',
      resource: 'webhook_endpoints',
      access: 'read',
      handler: (ctx) => listReply(ctx, ctx.state.store.webhook_endpoints, '/v1/webhook_endpoints'),
    },
    {
      method: 'GET',
      pattern: '/v1/webhook_endpoints/:id',
      resource: 'webhook_endpoints',
      access: 'read',
      handler: (ctx) => objectReply(ctx, ctx.state.store.webhook_endpoints, ctx.params['id']!),
    },
    {
      method: 'POST',
      pattern: '/v1/webhook_endpoints/:id',
      resource: 'webhook_endpoints',
      access: 'write',
      handler: (ctx) => {
        const we = getOr404(ctx.state.store.webhook_endpoints, ctx.params['id']!);
        const url = str(ctx.form, 'url');
        if (url) we.url = url;
        const enabled = strList(ctx.form, 'enabled_events');
        if (enabled) we.enabled_events = enabled;
        const disabled = str(ctx.form, 'disabled');
        if (disabled !== undefined) we.status = disabled === 'true' ? 'disabled' : 'enabled';
        we.metadata = mergeMetadata(we.metadata, ctx.form);
        ctx.state.store.webhook_endpoints.touch(we.id);
        return objectReply(ctx, ctx.state.store.webhook_endpoints, we.id);
      },
    },
    {
      method: 'DELETE',
      pattern: '/v1/webhook_endpoints/:id',
      resource: 'webhook_endpoints',
      access: 'write',
      handler: (ctx) => {
        const we = getOr404(ctx.state.store.webhook_endpoints, ctx.params['id']!);
        ctx.state.store.webhook_endpoints.remove(we.id);
        rt.endpointSecrets.delete(we.id);
        return deleted(we.id, 'webhook_endpoint');
      },
    },
  ];
}
