// Builds the dashboard (web/src → web/dist: app.js, app.css, index.html) with esbuild. Runs in
// `prepare` (so `npm ci` builds it, offline) and before the browser test.
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', 'web');
let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  console.error('build-web: esbuild is not installed (a production install?): the dashboard is not built');
  process.exit(0);
}
mkdirSync(join(root, 'dist'), { recursive: true });
await esbuild.build({
  entryPoints: [
    { in: join(root, 'src/main.ts'), out: 'app' },
    { in: join(root, 'src/app.css'), out: 'app' },
  ],
  outdir: join(root, 'dist'),
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['es2022'],
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(root, 'index.html'), join(root, 'dist/index.html'));
