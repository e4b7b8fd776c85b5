// Child of the TSM kill -9 test: runs the template scenario with the SQLite journal against a
// simulated SE whose state is a file (the terminal survives the platform's death); prints one line per
// APDU exchange and `done` at the end.
import { renameSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { UnixMillis } from '../../src/core/index.ts';
import { openSimulatedSe } from '../../src/sim/index.ts';
import { FILES, SCENARIO } from '../../src/sim/se/scenario.fixture.ts';
import { openSqliteJobJournal } from '../../src/storage/sqlite/tsm-journal.ts';
import { createJobRunner, sha256 } from '../../src/tsm/index.ts';

const [journalPath = '', sePath = ''] = process.argv.slice(2);
const journal = openSqliteJobJournal({ path: journalPath });
const se = openSimulatedSe({
  persistence: {
    load: () => (existsSync(sePath) ? readFileSync(sePath, 'utf8') : undefined),
    save: (s) => {
      writeFileSync(`${sePath}.tmp`, s);
      renameSync(`${sePath}.tmp`, sePath);
    },
  },
});
let t = 0;
const clock = { now: () => t++ as UnixMillis, monotonic: () => t };
const runner = createJobRunner({
  journal,
  clock,
  sha256,
  loadFile: (a) => FILES[a],
  keyData: () => new Uint8Array(48).fill(1),
});
const channel = {
  transmit: (apdu: Uint8Array) => {
    const response = se.process(apdu);
    process.stdout.write('x\n');
    return Promise.resolve({ ok: true as const, response });
  },
};
for (const [i, [templateId, params]] of SCENARIO.entries()) {
  const jobId = `job-${i}`;
  if (!(await journal.get(jobId)))
    await runner.create({ jobId, seId: 'se1', templateId, params, actor: 'test' });
  const j = await runner.run(jobId, channel);
  if (j.status !== 'done') throw new Error(`job ${jobId} ended ${j.status}: ${j.detail}`);
}
process.stdout.write('done\n');
await journal.close();
