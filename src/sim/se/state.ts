// The simulated secure element's persistent state (JSON, as a card keeps it in its EEPROM/flash).

export interface SeEntry {
  kind: 'elf' | 'app' | 'sd';
  lifeCycle: number;
  privileges: number;
  /** The load file an application or SD was installed from. */
  elfAid?: string;
  /** The associated security domain. */
  sdAid?: string;
}

export interface SimSeState {
  card: number;
  isdAid: string;
  selected: string;
  entries: Record<string, SeEntry>;
  pendingLoad: { elfAid: string; sdAid: string; hash: string; nextBlock: number; data: string } | null;
  personalizing: { aid: string; nextBlock: number } | null;
  /** Key versions per security domain (values never kept here: the SE would hold them in its key store). */
  keys: Record<string, number[]>;
  /** Every applied effect, in order ("LOADED a000…", "LOCKED …"): a test can see each happened once. */
  effects: string[];
}

/** Where the SE keeps its state: saved synchronously after every change, like a card's NVM write. */
export interface SePersistence {
  load(): string | undefined;
  save(state: string): void;
}

export function createMemorySePersistence(): SePersistence & { value?: string } {
  const p: SePersistence & { value?: string } = {
    load: () => p.value,
    save: (s) => {
      p.value = s;
    },
  };
  return p;
}

export const GP_ISD_AID = 'a000000151000000';

export function initialState(isdAid = GP_ISD_AID): SimSeState {
  return {
    card: 0x0f,
    isdAid,
    selected: isdAid,
    entries: {},
    pendingLoad: null,
    personalizing: null,
    keys: { [isdAid]: [0x01] },
    effects: [],
  };
}
