// The dashboard's static files (built by esbuild into web/dist), served from memory with a strict CSP.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
};
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const MISSING = `<!doctype html><html lang="en"><meta charset="utf-8"><title>gridtrust</title>
<p>The dashboard is not built in this installation. Run <code>npm run build:web</code> (it runs during
<code>npm ci</code>), then reload. The API is at <a href="/api/v1/docs">/api/v1/docs</a>.</p></html>`;

/** Registers `/` and every file of `dir` (flat). */
export function registerWeb(app: FastifyInstance, dir: string): void {
  const files = new Map<string, { type: string; body: Buffer }>();
  if (existsSync(dir))
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type !== undefined) files.set(name, { type, body: readFileSync(join(dir, name)) });
    }
  const send = (name: string) => (_req: unknown, reply: FastifyReply) => {
    const f = files.get(name);
    void reply
      .header('content-security-policy', CSP)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', name === 'index.html' ? 'no-cache' : 'max-age=300');
    if (f === undefined) return reply.type(TYPES['.html']!).send(MISSING);
    return reply.type(f.type).send(f.body);
  };
  app.get(
    '/',
    { config: { access: 'public' }, schema: { summary: 'the dashboard', tags: ['web'] } },
    send('index.html'),
  );
  for (const name of files.keys())
    if (name !== 'index.html')
      app.get(
        `/${name}`,
        { config: { access: 'public' }, schema: { summary: `dashboard file ${name}`, tags: ['web'] } },
        send(name),
      );
}
