// The command-tree test: walks every command and subcommand of `gridtrust` and fails on a command
// without a purpose, an example or exit codes, on help citing a document the package does not ship,
// on defaults written another way or showing a machine path, and on a `--json` run printing more
// than one JSON document on stdout.
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/cli-io.ts';
import { walkCommands } from './help.ts';
import { buildProgram, main } from './main.ts';
import { JSON_RUNS, type JsonRun, type RunContext } from './command-tree-runs.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const program = buildProgram(captureIo(), () => undefined);
const COMMANDS = walkCommands(program).filter(({ cmd }) => cmd.name() !== 'help');
const name = (path: string[]): string => ['gridtrust', ...path].join(' ');

async function helpOf(path: string[]): Promise<string> {
  const io = captureIo();
  expect(await main([...path, '--help'], io)).toBe(0);
  return io.stdout;
}

/** The lines of `help` that invoke `gridtrust <path>` (after optional VAR=value assignments). */
function exampleLines(help: string, path: string[]): string[] {
  const head = name(path);
  return help
    .split('\n')
    .map((l) => l.trim().replace(/^(?:[A-Z_]+=\S+\s+)+/, ''))
    .filter((l) => l === head || l.startsWith(`${head} `));
}

/** The command an example line runs, and its `--flags`. */
function resolveExample(line: string): { cmd: Command; flags: string[] } {
  const words =
    line
      .replace(/#.*$/, '')
      .split(/&&|\||;/)[0]
      ?.trim()
      .split(/\s+/)
      .slice(1) ?? [];
  let cmd: Command = program;
  for (const w of words) {
    const sub = cmd.commands.find((c) => c.name() === w);
    if (sub === undefined) break;
    cmd = sub;
  }
  const flags = words.filter((w) => w.startsWith('--')).map((w) => w.split('=')[0] ?? w);
  return { cmd, flags };
}

function knownFlags(cmd: Command): Set<string> {
  const flags = new Set(['--help', '--version']);
  for (let c: Command | null = cmd; c !== null; c = c.parent) {
    for (const o of c.options) if (o.long !== undefined) flags.add(o.long);
  }
  return flags;
}

describe('the command tree', () => {
  it('has the commands the README and DESIGN.md name', () => {
    const top = program.commands.map((c) => c.name());
    for (const c of ['demo', 'serve', 'simulate', 'terminals', 'trust', 'analyze', 'bench', 'completion'])
      expect(top).toContain(c);
  });

  describe.each(COMMANDS.map(({ path, cmd }) => ({ path, cmd, label: name(path) })))(
    '$label',
    ({ path, cmd }) => {
      it('has a one-line purpose', () => {
        const purpose = cmd.description();
        expect(purpose.trim(), `${name(path)} needs a description`).not.toBe('');
        expect(purpose, 'the purpose is one line').not.toContain('\n');
        expect(
          purpose.length,
          `purpose of ${name(path)} is over 110 characters: say more in details`,
        ).toBeLessThanOrEqual(110);
      });

      it('has an example that uses only flags it takes, and its exit codes', async () => {
        const help = await helpOf(path);
        const examples = exampleLines(help, path);
        expect(
          examples.length,
          `${name(path)} --help has no example line "${name(path)} ..."`,
        ).toBeGreaterThan(0);
        for (const line of examples) {
          const { cmd: target, flags } = resolveExample(line);
          const known = knownFlags(target);
          for (const f of flags)
            expect(known.has(f), `example "${line}" uses ${f}, unknown to ${name([target.name()])}`).toBe(
              true,
            );
        }
        expect(help, `${name(path)} --help lists no exit codes`).toMatch(/^Exit codes:$/m);
      });

      it('cites only documents the package ships, and no machine path', async () => {
        const help = await helpOf(path);
        for (const m of help.matchAll(/\b(?:docs\/)?[\w./-]+\.md\b/g)) {
          const ref = m[0];
          expect(ref.startsWith('docs/'), `${name(path)} cites ${ref}, not shipped in docs/`).toBe(true);
          expect(existsSync(join(ROOT, ref)), `${name(path)} cites ${ref}, which does not exist`).toBe(true);
        }
        expect(help, 'cites a section of a document the package does not ship').not.toMatch(/(?<!\.md )§/);
        expect(help).not.toMatch(/\bspec\b/i);
        expect(help).not.toContain(ROOT);
        expect(help).not.toContain(homedir());
      });

      it('writes every default one way: (default: value)', async () => {
        const help = await helpOf(path);
        expect(help).not.toMatch(/\(default: "/);
        expect(help).not.toMatch(/\[default:/);
        expect(help).not.toMatch(/\(default [^:]/);
        for (const o of cmd.options)
          expect(o.description, `${o.flags} writes its own default`).not.toMatch(/\bdefault\b/i);
      });
    },
  );
});

const dir = mkdtempSync(join(tmpdir(), 'gt-tree-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--json prints exactly one JSON document', () => {
  const withJson = COMMANDS.filter(({ cmd }) => cmd.options.some((o) => o.long === '--json'));

  it.each(withJson.map(({ path }) => ({ label: name(path), path })))('$label', async ({ path }) => {
    const run: JsonRun | undefined = JSON_RUNS[path.join(' ')];
    expect(run, `add a cheap --json invocation of "${name(path)}" to command-tree-runs.ts`).toBeDefined();
    if (run === undefined || 'skip' in run) return;
    const ctx: RunContext = {
      dir,
      write: (f, text) => {
        writeFileSync(join(dir, f), text);
        return join(dir, f);
      },
      gridtrust: async (argv) => {
        const io = captureIo();
        expect(await main(argv, io), io.stderr).toBe(0);
      },
    };
    const argv = await run.argv(ctx);
    const io = captureIo();
    const code = await main([...path, ...argv, '--json'], io);
    expect([0, 1], io.stderr).toContain(code);
    expect(
      () => JSON.parse(io.stdout) as unknown,
      `stdout of ${name(path)} --json:\n${io.stdout.slice(0, 400)}`,
    ).not.toThrow();
  });
});
