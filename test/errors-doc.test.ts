// docs/errors.md and the codes in src/ must list the same GT_ERR_* codes (STYLE.md "Errors").
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CODE = /GT_ERR_[A-Z0-9_]+[A-Z0-9]/g;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return sourceFiles(p);
    return p.endsWith('.ts') && !p.endsWith('.test.ts') ? [p] : [];
  });
}

describe('docs/errors.md', () => {
  const inSource = new Set(sourceFiles('src').flatMap((f) => readFileSync(f, 'utf8').match(CODE) ?? []));
  const inDocs = new Set(readFileSync('docs/errors.md', 'utf8').match(CODE) ?? []);

  it('documents every code used in src/', () => {
    expect([...inSource].filter((c) => !inDocs.has(c)).sort()).toEqual([]);
  });

  it('lists no code that src/ no longer uses', () => {
    expect([...inDocs].filter((c) => !inSource.has(c)).sort()).toEqual([]);
  });
});
