// Replay window state [SGT1-1.2 receiver rules]: the protocol checks it, ingest commits it, the store keeps it.
import type { TerminalId } from '../core/index.ts';

/**
 * Replay state of one key: the highest accepted counter (−1 while nothing has been accepted) and a
 * 64-bit bitmap where bit i means "counter highest − i was accepted". Immutable.
 */
export interface ReplayState {
  readonly highest: number;
  readonly bitmap: bigint;
}

/** Identifies one replay window: counters are per (terminal, purpose, dir, version) [SGT1-1.2]. */
export interface ReplayKey {
  readonly terminal: TerminalId;
  readonly purpose: number;
  /** 0 = up (terminal → platform), 1 = down. */
  readonly dir: 0 | 1;
  readonly version: number;
}

/** One window's state after a change, as committed with the batch that made it. */
export interface ReplayWindowUpdate extends ReplayKey {
  readonly state: ReplayState;
}
