// A progress bar on stderr for long commands; silent when stderr is not a terminal or with --json.
import type { CliIo } from './io.ts';

export interface Progress {
  update(done: number, detail?: string): void;
  done(detail?: string): void;
}

export function createProgress(io: CliIo, label: string, total: number, quiet = false): Progress {
  const active = io.interactive && !quiet;
  let last = 0;
  const draw = (done: number, detail: string): void => {
    const frac = total > 0 ? Math.min(1, done / total) : 0;
    const width = 28;
    const fill = Math.round(frac * width);
    const bar = `${'█'.repeat(fill)}${'░'.repeat(width - fill)}`;
    io.err(`\r${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${detail}\x1b[K`);
  };
  return {
    update(done, detail = '') {
      if (!active) return;
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      draw(done, detail);
    },
    done(detail = '') {
      if (!active) return;
      draw(total, detail);
      io.err('\n');
    },
  };
}
