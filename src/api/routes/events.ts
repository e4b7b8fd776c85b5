// Live events over Server-Sent Events: frames per second, flags and releases, trust cycles, key
// transitions, job and campaign progress — one `event: <type>` / `data: <json>` per event.
import type { FastifyInstance } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ApiDeps } from '../deps.ts';
import { withErrors } from '../schemas.ts';

/** A client that has this much unsent is dropped (it reconnects and re-reads the state). */
const MAX_BUFFERED = 1 << 20;

export function registerEventRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const open = new Set<() => void>();
  app.addHook('onClose', (_app, done) => {
    for (const end of open) end();
    done();
  });
  app.get(
    '/api/v1/events',
    {
      config: { access: 'viewer' },
      schema: {
        summary: 'live events (text/event-stream): frames, flag, release, trust-cycle, key, job, campaign',
        tags: ['events'],
        response: withErrors({ 200: Type.String({ description: 'text/event-stream' }) }),
      },
    },
    (req, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(`retry: 3000\nevent: hello\ndata: ${JSON.stringify({ at: deps.now() })}\n\n`);
      const unsubscribe = deps.events.subscribe((e) => {
        if (res.writableLength > MAX_BUFFERED) return end();
        res.write(`event: ${e.type}\ndata: ${JSON.stringify({ at: e.at, ...e.data })}\n\n`);
      });
      const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      beat.unref();
      function end(): void {
        clearInterval(beat);
        unsubscribe();
        open.delete(end);
        res.end();
      }
      open.add(end);
      req.raw.on('close', end);
    },
  );
}
