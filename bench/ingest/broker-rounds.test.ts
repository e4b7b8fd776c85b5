// The direct layout runs only under an open-file limit that holds its sockets; the limit is read from /proc.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { directSkipReason, openFileLimit } from './broker-rounds.ts';

describe('bench ingest: direct layout', () => {
  it('is skipped with the limit and the remedy when the open-file limit is too low', () => {
    expect(directSkipReason(1024, 4000)).toBe(
      'open-file limit 1024 < 16256 needed: raise it (ulimit -n 16256) to measure',
    );
    expect(directSkipReason(16256, 4000)).toBeUndefined();
    expect(directSkipReason(undefined, 4000)).toBeUndefined(); // unknown: try, fail loudly if it must
  });

  it('reads the soft open-file limit from /proc, as the shell reports it', () => {
    if (process.platform !== 'linux') return expect(openFileLimit()).toBeUndefined();
    const shell = execFileSync('sh', ['-c', 'ulimit -n'], { encoding: 'utf8' }).trim();
    expect(openFileLimit()).toBe(shell === 'unlimited' ? undefined : Number(shell));
  });
});
