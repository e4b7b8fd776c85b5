// The SQLite job journal passes the journal conformance suite (including a reopen).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeJournalConformance } from '../src/tsm/journal-conformance.ts';
import { openSqliteJobJournal } from '../src/storage/sqlite/tsm-journal.ts';

const dir = mkdtempSync(join(tmpdir(), 'gt-tsm-journal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
describeJournalConformance('sqlite', () => {
  const path = join(dir, `j${n++}.db`);
  return Promise.resolve({
    journal: openSqliteJobJournal({ path }),
    reopen: () => Promise.resolve(openSqliteJobJournal({ path })),
  });
});
