// Dependency boundaries of STYLE.md, checked by `npm run boundaries` (part of `npm run check`).
const DOMAIN = '^src/(protocol|keys|tsm|trust|analytics|sim|ingest|core|model)/';
const ADAPTERS = '^src/(storage|bus|transport|api|platform|cli)/';
/** The key store port's adapters live beside it in src/keys (ARCHITECTURE.md): they read files, load pkcs11js. */
const KEY_STORE_ADAPTERS = '^src/keys/(software|pkcs11)/';
const IO_MODULES =
  '^(node:)?(fs|fs/promises|net|dgram|http|https|http2|child_process|cluster|tls|dns|readline|os)$';
const DRIVERS =
  '^(better-sqlite3|pg|pg-copy-streams|aedes|mqtt|coap|fastify|@nats-io/.*|pkcs11js|graphene-pk11)$';

module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'domain-imports-no-adapter',
      comment:
        'Domain areas never import an adapter, platform or cli (DESIGN.md: dependencies point inward).',
      severity: 'error',
      from: { path: DOMAIN },
      to: { path: ADAPTERS },
    },
    {
      name: 'domain-does-no-io',
      comment: 'Domain areas do no I/O: no filesystem, network or process modules, no drivers.',
      severity: 'error',
      from: { path: DOMAIN, pathNot: ['\\.test\\.ts$', KEY_STORE_ADAPTERS] },
      to: { dependencyTypes: ['core', 'npm'], path: [IO_MODULES, DRIVERS] },
    },
    {
      name: 'worker-threads-only-in-runtime',
      comment:
        'Only src/runtime/ starts threads (ARCHITECTURE.md). The files listed in pathNot predate it and move there with #14 item 3; no new file may join them.',
      severity: 'error',
      from: {
        path: '^src/',
        pathNot: [
          '\\.test\\.ts$',
          '^src/runtime/',
          '^src/core/ts-worker(\\.fixture)?\\.ts$',
          '^src/analytics/kmeans-(pool|worker)\\.ts$',
          '^src/cli/trust/trial-worker\\.ts$',
          '^src/platform/(aead-offload|aead-worker|ingest-thread|ingest-thread-worker)\\.ts$',
          '^src/storage/types\\.ts$',
          '^src/storage/sqlite/(sqlite-store|write-worker|write-client|read-worker|writer-extension)\\.ts$',
        ],
      },
      to: { dependencyTypes: ['core'], path: '^(node:)?worker_threads$' },
    },
    {
      name: 'domain-imports-only-domain',
      comment:
        'Domain areas import only the kernel (core), the shared model and other domain areas (through their index).',
      severity: 'error',
      from: { path: DOMAIN, pathNot: '\\.test\\.ts$' },
      to: { path: '^src/', pathNot: DOMAIN },
    },
    {
      name: 'model-imports-only-core',
      comment: 'The shared model is the bottom layer beside core: it depends on nothing else.',
      severity: 'error',
      from: { path: '^src/model/' },
      to: { path: '^src/', pathNot: '^src/(core|model)/' },
    },
    {
      name: 'areas-through-index',
      comment: 'Other areas are imported only through their index.ts.',
      severity: 'error',
      from: { path: '^src/([^/]+)/' },
      to: {
        path: '^src/([^/]+)/.+',
        pathNot: ['^src/$1/', '^src/[^/]+/index\\.ts$'],
      },
    },
    {
      name: 'adapter-not-on-adapter',
      comment: 'Adapters (storage/sqlite, bus/nats, ...) depend on their port, never on another adapter.',
      severity: 'error',
      from: { path: '^src/(storage|bus|transport)/([^/]+)/' },
      to: { path: '^src/(storage|bus|transport)/([^/]+)/', pathNot: '^src/$1/$2/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^node_modules|\\.d\\.ts$)' },
  },
};
