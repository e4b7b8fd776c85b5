// The ready file of `gridtrust serve`: written atomically once everything listens, with the pid that
// owns it; removed on shutdown; a leftover whose process is gone is stale and never trusted.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { CliError } from './errors.ts';

/** Whether a process id is alive (injected so tests need no real processes). */
export type IsAlive = (pid: number) => boolean;

/** `process.kill(pid, 0)`: ESRCH = gone; EPERM = alive but another user's. */
export const isProcessAlive: IsAlive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
};

export type ReadyFileState =
  { state: 'absent' } | { state: 'live'; pid: number } | { state: 'stale'; pid: number | null };

/** What is at `path` now: nothing, a file of a live process, or a stale leftover. */
export function inspectReadyFile(path: string, isAlive: IsAlive = isProcessAlive): ReadyFileState {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { state: 'absent' };
    throw new CliError('GT_ERR_CLI_READ_FILE', `cannot read the ready file ${path}: ${errnoName(e)}`, {
      hint: 'check the path and its permissions',
      cause: e,
    });
  }
  const pid = pidOf(text);
  return pid !== null && isAlive(pid) ? { state: 'live', pid } : { state: 'stale', pid };
}

function pidOf(text: string): number | null {
  try {
    const v = (JSON.parse(text) as { pid?: unknown }).pid;
    return typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : null;
  } catch {
    return null;
  }
}

const errnoName = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/**
 * Before starting: refuses a ready file owned by a running process (another serve would clobber
 * it), removes a stale one (its process is gone) and says so through `note`.
 */
export function claimReadyFile(
  path: string,
  note: (line: string) => void,
  isAlive: IsAlive = isProcessAlive,
): void {
  const found = inspectReadyFile(path, isAlive);
  if (found.state === 'live') {
    throw new CliError('GT_ERR_CLI_READY_FILE', `${path} belongs to a running gridtrust (pid ${found.pid})`, {
      hint: `stop that process first, or give this one another --ready-file`,
    });
  }
  if (found.state === 'stale') {
    rmSync(path, { force: true });
    note(
      `removed stale ready file ${path} (its process${found.pid === null ? '' : ` ${found.pid}`} is gone)`,
    );
  }
}

/** Writes `{ ...body, pid }` atomically: a watcher never reads half a file. */
export function writeReadyFile(path: string, body: Record<string, unknown>, pid: number = process.pid): void {
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, `${JSON.stringify({ ...body, pid })}\n`);
  renameSync(tmp, path);
}

/** Removes the ready file on shutdown (only if it is still ours). */
export function removeReadyFile(path: string, pid: number = process.pid): void {
  try {
    if (pidOf(readFileSync(path, 'utf8')) === pid) rmSync(path, { force: true });
  } catch {
    // already gone: nothing to remove
  }
}
