// The contract between `gridtrust bench` and each benchmark module under bench/ (kept apart from the
// command so that bench modules can import it without an import cycle).
import type { CliIo } from './io.ts';

/** What every benchmark module under bench/ exports. */
export interface BenchModule {
  runBench(ctx: BenchContext): Promise<Record<string, unknown>>;
}

export interface BenchContext {
  io: CliIo;
  /** True with --json: no progress output. */
  quiet: boolean;
  /** Scale factor from --scale (default 1): benchmarks shrink their workload for quick runs. */
  scale: number;
}
