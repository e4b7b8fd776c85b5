// Test helper: a CliIo that captures stdout and stderr, as a non-interactive terminal would see them.
import type { CliIo } from '../../src/cli/io.ts';

export interface CapturedIo extends CliIo {
  readonly stdout: string;
  readonly stderr: string;
}

/** A captured io; `env` and `interactive` as a script (not a terminal) would have them. */
export function captureIo(opts: { env?: Record<string, string>; interactive?: boolean } = {}): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (t) => void (out += t),
    err: (t) => void (err += t),
    interactive: opts.interactive ?? false,
    env: opts.env ?? {},
    get stdout() {
      return out;
    },
    get stderr() {
      return err;
    },
  };
}
