// CPU time per frame of a bench phase: the whole process (every thread) and its main thread.
import { readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/task/<tid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

/** This process's main-thread CPU time in µs (Linux /proc), or undefined where it cannot be read. */
function mainThreadMicros(): number | undefined {
  try {
    const stat = readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1e6) / USER_HZ; // utime + stime
  } catch {
    return undefined;
  }
}

/** µs of CPU per frame, summed over every measured round of a phase. */
export interface CpuPerFrame {
  /** Every thread of the process: main, workers (AEAD, SQLite writer), V8's GC threads. */
  allThreads: number;
  /** The main thread alone (null where /proc is not available); 10 ms resolution per round. */
  mainThread: number | null;
}

/** Accumulates CPU time and frames per phase; `measure` wraps one round. */
export function createCpuMeter() {
  const phases = new Map<string, { all: number; main: number; mainKnown: boolean; frames: number }>();
  return {
    async measure<T>(phase: string, frames: number, round: () => Promise<T>): Promise<T> {
      const c0 = process.cpuUsage();
      const m0 = mainThreadMicros();
      const out = await round();
      const c = process.cpuUsage(c0);
      const m1 = mainThreadMicros();
      const p = phases.get(phase) ?? { all: 0, main: 0, mainKnown: true, frames: 0 };
      p.all += c.user + c.system;
      if (m0 === undefined || m1 === undefined) p.mainKnown = false;
      else p.main += m1 - m0;
      p.frames += frames;
      phases.set(phase, p);
      return out;
    },
    /** Per phase: µs per frame, two decimals. */
    report(): Record<string, CpuPerFrame> {
      const r2 = (x: number) => Number(x.toFixed(2));
      const out: Record<string, CpuPerFrame> = {};
      for (const [k, p] of phases) {
        out[k] = {
          allThreads: r2(p.all / p.frames),
          mainThread: p.mainKnown ? r2(p.main / p.frames) : null,
        };
      }
      return out;
    },
  };
}
