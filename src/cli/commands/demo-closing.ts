// The demo's closing screen: what stopped, and the next commands to try with real ids from the run.
import { join } from 'node:path';
import type { DemoSummary } from '../../platform/index.ts';
import { DATABASE_FILE, openSqliteStore } from '../../storage/index.ts';

/** What the closing screen needs beyond the summary. */
export interface ClosingFacts {
  /** A terminal of the run that is neither malicious nor flagged (its readings are worth a look). */
  honestId: string | undefined;
  /** How the data dir is written in the commands (quoted when it needs to be). */
  dataDir: string;
}

const shellWord = (s: string): string => (/^[\w./:@+-]+$/.test(s) ? s : `'${s.replace(/'/g, "'\\''")}'`);

/** Finds an honest terminal of the run in its store (read-only, after the platform has stopped). */
export async function closingFacts(s: DemoSummary): Promise<ClosingFacts> {
  const bad = new Set([...s.malicious.map((m) => m.id), ...s.flagged.map((f) => f.id)]);
  const store = await openSqliteStore({ path: join(s.dataDir, DATABASE_FILE), readWorker: false });
  try {
    const honest = (await store.listTerminals({})).find((t) => !bad.has(t.id));
    return { honestId: honest?.id, dataDir: shellWord(s.dataDir) };
  } finally {
    await store.close();
  }
}

/** The lines after the summary: the platform is gone, and what to run next. */
export function closingScreen(s: DemoSummary, facts: ClosingFacts): string {
  const d = facts.dataDir;
  const flagged = s.flagged[0]?.id;
  const lines = [
    '',
    `The platform has stopped: ${s.httpUrl} is no longer served. Its data stays in ${d}.`,
    'Next:',
  ];
  if (facts.honestId !== undefined)
    lines.push(
      `  gridtrust readings --data-dir ${d} --system-title ${facts.honestId}    # an honest terminal's readings`,
    );
  lines.push(
    `  gridtrust terminals list --data-dir ${d} --status quarantined    # who the trust engine flagged`,
  );
  if (flagged !== undefined) {
    lines.push(
      `  gridtrust audit list --data-dir ${d} --system-title ${flagged}    # the decision and its evidence`,
    );
    lines.push(
      `  gridtrust terminals reinstate --data-dir ${d} --system-title ${flagged} --reason "checked"`,
    );
  }
  lines.push(`  gridtrust audit verify --data-dir ${d}    # the audit log's hash chain`);
  lines.push(`  gridtrust serve --data-dir ${d}    # serve this data again (dashboard and API)`);
  return `${lines.join('\n')}\n`;
}
