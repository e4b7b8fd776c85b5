// Cheap `--json` invocations of every command that takes --json, for the command-tree test (which
// checks that each prints exactly one JSON document). A command without an entry fails that test.
import { generateKeyPairSync } from 'node:crypto';

export interface RunContext {
  /** A fresh temporary directory for this test file. */
  dir: string;
  /** Writes `text` to `name` inside `dir`; returns the path. */
  write(name: string, text: string): string;
  /** Runs another gridtrust command first (quietly), e.g. to make its input. */
  gridtrust(argv: string[]): Promise<void>;
}

export type JsonRun =
  | { argv(ctx: RunContext): string[] | Promise<string[]> }
  /** Commands that open sockets or run for minutes; `skip` says where their JSON is tested instead. */
  | { skip: string };

const V7 = '10014d4d4d0000bc614e10010000000101aafd666a0760b1b985d61f7f19821b27f05085d4ee6f3d5b915bed99424dd6';
const ROOT_KEY = '000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f';

/** Eight weeks of a two-household half-hourly wide CSV. */
function wideCsv(): string {
  const rows = ['timestamp,h1,h2'];
  const start = Date.UTC(2013, 0, 7);
  for (let i = 0; i < 48 * 56; i++) {
    const hour = (i % 48) / 2;
    const base = 0.2 + 0.3 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI));
    const t = new Date(start + i * 1_800_000).toISOString().replace('.000Z', 'Z');
    rows.push(`${t},${(base + (i % 7) / 100).toFixed(3)},${(base * 1.5 + (i % 5) / 100).toFixed(3)}`);
  }
  return `${rows.join('\n')}\n`;
}

const FW_KEYS = (() => {
  const k = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  return {
    key: k.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    pub: k.publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
})();

const firmwareSignArgs = (c: RunContext): string[] => [
  ...['--image', c.write('fw.bin', 'firmware image bytes'), '--key', c.write('fw-key.pem', FW_KEYS.key)],
  ...['--sequence', '2', '--vendor-id', 'fa6b4a53-d5ad-5fdf-be9d-e663e4d41ffe'],
  ...['--class-id', '1492af14-2569-5e48-bf42-9b2d51f2ab45', '--envelope', `${c.dir}/fw.suit`],
];

const dataDir = (ctx: RunContext): string[] => ['--data-dir', `${ctx.dir}/data`];

export const JSON_RUNS: Readonly<Record<string, JsonRun>> = {
  'analyze clusters': {
    argv: (c) => ['--input', c.write('wide.csv', wideCsv()), '--k', '2', '--threads', '1'],
  },
  'analyze flexibility': { argv: (c) => ['--input', c.write('wide.csv', wideCsv())] },
  'analyze fdi-experiment': {
    skip: 'runs dshw and k-means on a year of households (~40 s); src/analytics/fdi.test.ts checks the attacks',
  },
  'analyze forecast': {
    argv: (c) => [
      '--input',
      c.write('wide.csv', wideCsv()),
      '--model',
      'linear',
      '--train-until',
      '2013-02-25T00:00Z',
      '--horizon',
      '4',
    ],
  },
  'firmware sign': { argv: (c) => firmwareSignArgs(c) },
  'firmware verify': {
    argv: async (c) => {
      await c.gridtrust(['firmware', 'sign', ...firmwareSignArgs(c)]);
      return ['--manifest', `${c.dir}/fw.suit`, '--public-key', c.write('fw-pub.pem', FW_KEYS.pub)];
    },
  },
  bench: { skip: 'benchmarks run for minutes; bench-figures.test.ts checks the one-document printer' },
  demo: { skip: 'opens sockets; test/integration/demo.test.ts parses its one JSON document' },
  serve: { skip: 'opens sockets and runs until a signal; test/integration covers it' },
  'frame encode': {
    argv: () => [
      '--root-key',
      ROOT_KEY,
      '--tenant',
      '1',
      '--system-title',
      '4d4d4d0000bc614e',
      '--fc',
      '1',
      '--telemetry',
      '{"t":1700000000,"voltage":2301,"current":512}',
    ],
  },
  'frame decode': { argv: () => ['--root-key', ROOT_KEY, '--tenant', '1', '--hex', V7] },
  'frame decode-dlms': {
    argv: () => [
      '--system-title',
      '4D4D4D0000BC614E',
      '--ek',
      '000102030405060708090A0B0C0D0E0F',
      '--ak',
      'D0D1D2D3D4D5D6D7D8D9DADBDCDDDEDF',
      '--hex',
      'C81E3001234567411312FF935A47566827C467BC7D825C3BE4A77C3FCC056B6B',
    ],
  },
  readings: {
    argv: async (c) => {
      await c.gridtrust(['terminals', 'add', ...dataDir(c), '--system-title', '4d4d4d0000bc6151']);
      return [...dataDir(c), '--system-title', '4d4d4d0000bc6151'];
    },
  },
  simulate: { argv: () => ['--virtual', '--terminals', '50', '--hours', '1'] },
  'terminals add': { argv: (c) => [...dataDir(c), '--system-title', '4d4d4d0000bc614e'] },
  'terminals list': { argv: (c) => dataDir(c) },
  'terminals import': {
    argv: (c) => [
      ...dataDir(c),
      '--csv',
      c.write('t.csv', 'system_title,type\n4d4d4d0000bc6150,smart-meter\n'),
    ],
  },
  'terminals reinstate': { argv: (c) => [...dataDir(c), '--system-title', '4d4d4d0000bc614e'] },
  'trust experiment': {
    argv: () => [
      '--schemes',
      'robust',
      '--malicious',
      '0.2',
      '--seeds',
      '1',
      '--cycles',
      '3',
      '--workers',
      '1',
    ],
  },
  'trust world': { argv: (c) => ['--export-evidence', `${c.dir}/ev.jsonl`, '--cycles', '3'] },
  'trust score': {
    argv: async (c) => {
      await c.gridtrust(['trust', 'world', '--export-evidence', `${c.dir}/score.jsonl`, '--cycles', '3']);
      return ['--evidence', `${c.dir}/score.jsonl`];
    },
  },
  'audit verify': { argv: (c) => dataDir(c) },
  'audit list': { argv: (c) => dataDir(c) },
  'keys list': { argv: (c) => [...dataDir(c), '--system-title', '4d4d4d0000bc614e'] },
  'keys kek init': { argv: (c) => dataDir(c) },
  'keys backup': { argv: (c) => [...dataDir(c), '--out', `${c.dir}/backup`] },
  'keys recover': {
    async argv(c) {
      await c.gridtrust([
        'keys',
        'backup',
        '--shares',
        '2',
        '--threshold',
        '2',
        '--out',
        `${c.dir}/b2`,
        ...dataDir(c),
      ]);
      const share = (n: number) => ['--share', `${c.dir}/b2/share-${n}.hex`];
      return [
        '--backup',
        `${c.dir}/b2/gridtrust-backup.json`,
        ...share(1),
        ...share(2),
        '--data-dir',
        `${c.dir}/fresh`,
      ];
    },
  },
  'keys export': {
    async argv(c) {
      const kx = ['--data-dir', `${c.dir}/kx`];
      await c.gridtrust(['terminals', 'add', '--system-title', '4d4d4d0000bc614e', ...kx]);
      return [
        ...kx,
        '--terminal',
        '4d4d4d0000bc614e',
        '--recipient-kek-file',
        c.write('kek.hex', `${'ab'.repeat(32)}\n`),
        '--approver',
        'alice',
        '--approver',
        'bob',
      ];
    },
  },
  ...Object.fromEntries(
    ['suspend', 'reinstate', 'deactivate', 'compromise', 'destroy', 'archive'].map((op) => [
      `keys ${op}`,
      { argv: (c: RunContext) => [...dataDir(c), '--system-title', '4d4d4d0000bc614e', '--reason', 'test'] },
    ]),
  ),
  'users add': {
    argv: (c) => [
      ...dataDir(c),
      '--username',
      'alice',
      '--role',
      'viewer',
      '--password-file',
      c.write('pw', 'correct horse battery staple 42\n'),
    ],
  },
  'users list': { argv: (c) => dataDir(c) },
  'users disable': {
    argv: async (c) => {
      const pw = c.write('pw2', 'correct horse battery staple 43\n');
      await c.gridtrust([
        'users',
        'add',
        ...dataDir(c),
        '--username',
        'bob',
        '--role',
        'viewer',
        '--password-file',
        pw,
      ]);
      return [...dataDir(c), '--username', 'bob'];
    },
  },
  'users passwd': {
    argv: async (c) => {
      const pw = c.write('pw3', 'correct horse battery staple 44\n');
      await c.gridtrust([
        'users',
        'add',
        ...dataDir(c),
        '--username',
        'carol',
        '--role',
        'viewer',
        '--password-file',
        pw,
      ]);
      return [
        ...dataDir(c),
        '--username',
        'carol',
        '--password-file',
        c.write('pw4', 'another long passphrase 45\n'),
      ];
    },
  },
  'tokens create': { argv: (c) => [...dataDir(c), '--role', 'viewer', '--name', 'grafana'] },
  'tokens list': { argv: (c) => dataDir(c) },
  'tokens revoke': { argv: (c) => [...dataDir(c), '--id', 'AbCdEf12'] },
  'trust figures': { skip: 'draws PNGs from a results.json; trust-cli.test.ts parses its JSON' },
};
