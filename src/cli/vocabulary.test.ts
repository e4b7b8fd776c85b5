// The vocabulary: docs/cli.md holds its table, every command uses its flags with its meaning, and the
// old spellings still work while hidden from help.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../test/helpers/cli-io.ts';
import { walkCommands } from './help.ts';
import { buildProgram, main } from './main.ts';
import { renderVocabularyTable, VOCABULARY, type VocabularyEntry } from './vocabulary.ts';

const normalise = (table: string): string =>
  table
    .split('\n')
    .map((l) =>
      l
        .trim()
        .replace(/\s*\|\s*/g, '|')
        .replace(/-{3,}/g, '---'),
    )
    .filter((l) => l !== '')
    .join('\n');

describe('the vocabulary', () => {
  it('is the table of docs/cli.md', () => {
    const doc = readFileSync(resolve(import.meta.dirname, '../../docs/cli.md'), 'utf8');
    const m = /<!-- vocabulary:start[^>]*-->([\s\S]*?)<!-- vocabulary:end -->/.exec(doc);
    expect(m, 'docs/cli.md has the vocabulary markers').not.toBeNull();
    expect(normalise(m?.[1] ?? '')).toBe(normalise(renderVocabularyTable()));
  });

  it('means the same in every command that takes its flag', () => {
    const entries: VocabularyEntry[] = Object.values(VOCABULARY);
    const byLong = new Map(entries.map((e) => [e.flags.split(' ')[0], e]));
    const program = buildProgram(captureIo(), () => undefined);
    for (const { path, cmd } of walkCommands(program)) {
      for (const o of cmd.options) {
        const e = o.long === undefined ? undefined : byLong.get(o.long);
        if (e === undefined || o.hidden) continue;
        expect(o.flags, `gridtrust ${path.join(' ')} ${o.long}`).toBe(e.flags);
        expect(
          o.description.startsWith(e.meaning),
          `gridtrust ${path.join(' ')} ${o.long}: "${o.description}"`,
        ).toBe(true);
      }
    }
  });

  it.each([
    [['trust', 'world', '--ratio', '0.3'], '--ratio'],
    [['trust', 'experiment', '--ratios', '0.3'], '--ratios'],
    [['readings', '--terminal', '4d4d4d0000bc614e'], '--terminal'],
    [['terminals', 'add', '--out', 'x.json'], '--out'],
    [['trust', 'figures', '--from', 'r.json'], '--from'],
  ])('hides the old spelling %j from help', async (argv, flag) => {
    const io = captureIo();
    const path = argv.filter((a) => !a.startsWith('-') && !/\d|\./.test(a));
    expect(await main([...path, '--help'], io)).toBe(0);
    expect(io.stdout).not.toMatch(new RegExp(`${flag}\\b(?!-)`));
  });
});
