// Frame-counter persistence per RFC 8613 App. B.1.1: store every K-th value, resume at stored + K + F.

/** What the terminal keeps in non-volatile memory: the key version in use and a counter bound. */
export interface PersistedCounter {
  readonly keyVersion: number;
  /** A value ≥ every counter used so far minus K (RFC 8613 B.1.1). */
  readonly fc: number;
}

/** The terminal's non-volatile storage (flash, a file, a test map). */
export interface CounterPersistence {
  load(): Promise<PersistedCounter | undefined>;
  save(state: PersistedCounter): Promise<void>;
}

/** Sender counter rules [SGT1-1.2 sender rules]: K = 16 frames between writes, F = 16 on reboot. */
export const COUNTER_K = 16;
export const COUNTER_F = 16;
/** Request a new key version before the counter gets here (2^32 − 2^20) [SGT1-1.2]. */
export const COUNTER_HIGH_WATER = 2 ** 32 - 2 ** 20;

/** A frame counter for one key version. `next` increments before each frame and never reuses a value. */
export interface FrameCounter {
  readonly keyVersion: number;
  readonly current: number;
  /** Reserves the next value; persists first when it reaches the stored bound. */
  next(): Promise<number>;
  /** Switches to a new key version: the counter restarts at 1 [SGT1-2.3]. */
  rotate(keyVersion: number): Promise<void>;
  /** True once the counter passed the high-water mark (time to ask for a new key version). */
  readonly exhausted: boolean;
}

/**
 * Restores the counter after a (re)boot: with nothing stored it starts fresh; otherwise it jumps to
 * stored + K + F and stores that at once, so no value used before the reboot is ever reused.
 */
export async function openFrameCounter(p: CounterPersistence, initialVersion: number): Promise<FrameCounter> {
  const stored = await p.load();
  let version = stored?.keyVersion ?? initialVersion;
  let fc = stored === undefined ? 0 : stored.fc + COUNTER_K + COUNTER_F;
  let bound = fc;
  await p.save({ keyVersion: version, fc });
  return {
    get keyVersion() {
      return version;
    },
    get current() {
      return fc;
    },
    get exhausted() {
      return fc >= COUNTER_HIGH_WATER;
    },
    async next() {
      fc++;
      if (fc >= bound + COUNTER_K) {
        bound = fc;
        await p.save({ keyVersion: version, fc });
      }
      return fc;
    },
    async rotate(v) {
      version = v;
      fc = 0;
      bound = 0;
      await p.save({ keyVersion: v, fc: 0 });
    },
  };
}

/** An in-memory persistence (tests, simulator); `writes` counts the saves. */
export function createMemoryCounterPersistence(
  initial?: PersistedCounter,
): CounterPersistence & { writes: number } {
  let state = initial;
  const p = {
    writes: 0,
    load: () => Promise.resolve(state),
    save: (s: PersistedCounter) => {
      state = s;
      p.writes++;
      return Promise.resolve();
    },
  };
  return p;
}
