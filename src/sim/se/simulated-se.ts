// A simulated secure element executing the GlobalPlatform command subset as real command APDUs
// [GPCS-11]: SELECT, INSTALL, LOAD (numbered blocks), DELETE, SET STATUS, GET STATUS, PUT KEY, STORE DATA.
import {
  CARD_STATE,
  INS,
  SW,
  appTransition,
  cardTransition,
  encodeResponse,
  encodeStatusEntry,
  parseCommand,
  sdTransition,
  sha256,
  toHex,
  type CardState,
  type CommandApdu,
} from '../../tsm/index.ts';
import { initialState, type SePersistence, type SeEntry, type SimSeState } from './state.ts';

/** A simulated SE: `process` takes command APDU bytes and returns response APDU bytes. */
export interface SimulatedSe {
  process(apdu: Uint8Array): Uint8Array;
  /** A copy of the persistent state. */
  state(): SimSeState;
}

type Answer = { sw: number; data?: number[] };
const ok: Answer = { sw: SW.OK };
const err = (sw: number): Answer => ({ sw });

/** Reads length-prefixed values from INSTALL data [GPCS-11.5.2]. */
function lvs(b: Uint8Array, count: number): Uint8Array[] | undefined {
  const out: Uint8Array[] = [];
  let i = 0;
  for (let k = 0; k < count; k++) {
    const len = b[i];
    if (len === undefined || i + 1 + len > b.length) return undefined;
    out.push(b.subarray(i + 1, i + 1 + len));
    i += 1 + len;
  }
  return out;
}

/** The AID in a `4F len AID` data field. */
function tagAid(b: Uint8Array): string | undefined {
  if (b[0] !== 0x4f || b[1] === undefined || b.length !== 2 + b[1]) return undefined;
  return toHex(b.subarray(2));
}

/**
 * Opens the SE from its persistence (state survives agent restarts).
 * @example
 * const se = openSimulatedSe({ persistence: createMemorySePersistence() });
 * se.process(Uint8Array.from([0x80, 0xf2, 0x80, 0x02, 0x02, 0x4f, 0x00, 0x00])); // GET STATUS ISD
 */
export function openSimulatedSe(o: { persistence: SePersistence; isdAid?: string }): SimulatedSe {
  const saved = o.persistence.load();
  const s: SimSeState = saved ? (JSON.parse(saved) as SimSeState) : initialState(o.isdAid);
  const commit = (effect?: string) => {
    if (effect) s.effects.push(effect);
    o.persistence.save(JSON.stringify(s));
  };
  const handlers: Partial<Record<number, (c: CommandApdu) => Answer>> = {
    0xa4: (c) => select(s, c),
    [INS.GET_STATUS]: (c) => getStatus(s, c),
    [INS.INSTALL]: (c) => install(s, c, commit),
    [INS.LOAD]: (c) => load(s, c, commit),
    [INS.DELETE]: (c) => del(s, c, commit),
    [INS.SET_STATUS]: (c) => setStatus(s, c, commit),
    [INS.PUT_KEY]: (c) => putKey(s, c, commit),
    [INS.STORE_DATA]: (c) => storeData(s, c, commit),
  };
  return {
    process(bytes) {
      const p = parseCommand(bytes);
      if (!p.ok) return encodeResponse({ data: new Uint8Array(0), sw: SW.WRONG_LENGTH });
      const c = p.apdu;
      if (c.cla !== 0x80 && c.cla !== 0x00)
        return encodeResponse({ data: new Uint8Array(0), sw: SW.CLA_NOT_SUPPORTED });
      const h = handlers[c.ins];
      const a = !h
        ? err(SW.INS_NOT_SUPPORTED)
        : blockedByCard(s, c)
          ? err(SW.CONDITIONS_NOT_SATISFIED)
          : h(c);
      return encodeResponse({ data: Uint8Array.from(a.data ?? []), sw: a.sw });
    },
    state: () => structuredClone(s),
  };
}

/** A locked card answers only SELECT of the ISD, GET STATUS and card SET STATUS; a terminated one only GET STATUS. */
function blockedByCard(s: SimSeState, c: CommandApdu): boolean {
  if (c.ins === INS.GET_STATUS) return false;
  if (s.card === CARD_STATE.TERMINATED) return true;
  if (s.card !== CARD_STATE.CARD_LOCKED) return false;
  return !((c.ins === INS.SET_STATUS && c.p1 === 0x80) || (c.ins === 0xa4 && toHex(c.data) === s.isdAid));
}

function select(s: SimSeState, c: CommandApdu): Answer {
  const aid = toHex(c.data);
  const e = s.entries[aid];
  if (aid !== s.isdAid && (!e || e.kind === 'elf' || (e.lifeCycle & 0x80) !== 0 || e.lifeCycle < 0x07))
    return err(SW.FILE_NOT_FOUND);
  s.selected = aid;
  return ok;
}

function getStatus(s: SimSeState, c: CommandApdu): Answer {
  const aid = tagAid(c.data);
  if (aid === undefined || c.p2 !== 0x02) return err(SW.WRONG_P1P2);
  if (c.p1 === 0x80)
    return { sw: SW.OK, data: encodeStatusEntry({ aid: s.isdAid, lifeCycle: s.card, privileges: 0x9e }) };
  const kind = c.p1 === 0x20 ? ['elf'] : c.p1 === 0x40 ? ['app', 'sd'] : undefined;
  if (!kind) return err(SW.WRONG_P1P2);
  const rows = Object.entries(s.entries).filter(
    ([a, e]) => kind.includes(e.kind) && (aid === '' || a === aid),
  );
  if (rows.length === 0) return err(SW.NOT_FOUND);
  const data = rows.flatMap(([a, e]) =>
    encodeStatusEntry({
      aid: a,
      lifeCycle: e.lifeCycle,
      privileges: e.privileges,
      ...(e.elfAid ? { elfAid: e.elfAid } : {}),
      ...(e.sdAid ? { sdAid: e.sdAid } : {}),
    }),
  );
  return { sw: SW.OK, data };
}

type Commit = (effect?: string) => void;

function install(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  switch (c.p1) {
    case 0x02: {
      const v = lvs(c.data, 3);
      if (!v) return err(SW.WRONG_DATA);
      const [elf, sd, hash] = v.map(toHex) as [string, string, string];
      if (s.entries[elf]) return err(SW.CONDITIONS_NOT_SATISFIED);
      s.pendingLoad = { elfAid: elf, sdAid: sd || s.isdAid, hash, nextBlock: 0, data: '' };
      commit();
      return ok;
    }
    case 0x04:
    case 0x0c:
      return installApp(s, c, commit);
    case 0x08: {
      const v = lvs(c.data, 3);
      const aid = v ? toHex(v[2]!) : '';
      const e = s.entries[aid];
      if (!e || e.kind === 'elf') return err(SW.NOT_FOUND);
      const t = (e.kind === 'sd' ? sdTransition : appTransition)(e.lifeCycle, { op: 'MAKE_SELECTABLE' });
      if (!t.ok || t.to === null) return err(SW.CONDITIONS_NOT_SATISFIED);
      e.lifeCycle = t.to;
      commit(`SELECTABLE ${aid}`);
      return ok;
    }
    case 0x10: {
      const v = lvs(c.data, 3);
      if (!v) return err(SW.WRONG_DATA);
      const sd = toHex(v[0]!);
      const aid = toHex(v[2]!);
      const target = s.entries[sd];
      const e = s.entries[aid];
      if ((!target || target.kind !== 'sd') && sd !== s.isdAid) return err(SW.NOT_FOUND);
      if (!e || e.kind !== 'app') return err(SW.NOT_FOUND);
      e.sdAid = sd;
      commit(`EXTRADITED ${aid} ${sd}`);
      return ok;
    }
    case 0x20: {
      const v = lvs(c.data, 3);
      const aid = v ? toHex(v[2]!) : '';
      const e = s.entries[aid];
      if (!e || e.kind !== 'app') return err(SW.NOT_FOUND);
      if ((e.lifeCycle & 0x80) !== 0 || e.lifeCycle < 0x07) return err(SW.CONDITIONS_NOT_SATISFIED);
      s.personalizing = { aid, nextBlock: 0 };
      commit();
      return ok;
    }
    default:
      return err(SW.WRONG_P1P2);
  }
}

function installApp(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  const v = lvs(c.data, 5);
  if (!v) return err(SW.WRONG_DATA);
  const [elf, , inst] = v.map(toHex) as [string, string, string];
  const privileges = v[3]![0] ?? 0;
  const file = s.entries[elf];
  if (!file || file.kind !== 'elf') return err(SW.NOT_FOUND);
  if (s.entries[inst]) return err(SW.CONDITIONS_NOT_SATISFIED);
  const isSd = (privileges & 0x80) !== 0;
  const entry: SeEntry = {
    kind: isSd ? 'sd' : 'app',
    lifeCycle: c.p1 === 0x0c || isSd ? 0x07 : 0x03,
    privileges,
    elfAid: elf,
    sdAid: file.sdAid ?? s.isdAid,
  };
  s.entries[inst] = entry;
  commit(`INSTALLED ${inst}`);
  return ok;
}

function load(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  const p = s.pendingLoad;
  if (!p) return err(SW.CONDITIONS_NOT_SATISFIED);
  if (c.p2 !== (p.nextBlock & 0xff)) return err(SW.WRONG_SEQUENCE);
  p.data += toHex(c.data);
  p.nextBlock += 1;
  if (c.p1 !== 0x80) {
    commit();
    return ok;
  }
  s.pendingLoad = null;
  const bytes = Buffer.from(p.data, 'hex');
  if (p.hash !== '' && toHex(sha256(bytes)) !== p.hash) {
    commit();
    return err(SW.WRONG_DATA);
  }
  s.entries[p.elfAid] = { kind: 'elf', lifeCycle: 0x01, privileges: 0, sdAid: p.sdAid };
  commit(`LOADED ${p.elfAid}`);
  return ok;
}

function del(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  const aid = tagAid(c.data);
  const e = aid === undefined ? undefined : s.entries[aid];
  if (aid === undefined || !e) return err(SW.NOT_FOUND);
  const users = Object.entries(s.entries).filter(([, x]) => x.elfAid === aid);
  if (users.length > 0 && c.p2 !== 0x80) return err(SW.CONDITIONS_NOT_SATISFIED);
  for (const [a] of users) delete s.entries[a];
  delete s.entries[aid];
  commit(`DELETED ${aid}`);
  return ok;
}

function setStatus(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  if (c.p1 === 0x80) {
    const t = cardTransition(s.card as CardState, c.p2, ['CARD_LOCK', 'CARD_TERMINATE']);
    if (!t.ok) return err(SW.CONDITIONS_NOT_SATISFIED);
    s.card = t.to;
    commit(`CARD ${t.to.toString(16)}`);
    return ok;
  }
  const aid = toHex(c.data);
  const e = s.entries[aid];
  if (c.p1 !== 0x40 || !e || e.kind === 'elf') return err(SW.NOT_FOUND);
  const event =
    c.p2 === 0x80
      ? ({ op: 'LOCK' } as const)
      : c.p2 === 0x00
        ? ({ op: 'UNLOCK' } as const)
        : ({ op: 'SET_APP_SPECIFIC', coding: c.p2 } as const);
  const t = (e.kind === 'sd' ? sdTransition : appTransition)(e.lifeCycle, event);
  if (!t.ok || t.to === null) return err(SW.CONDITIONS_NOT_SATISFIED);
  e.lifeCycle = t.to;
  commit(`${event.op} ${aid}`);
  return ok;
}

function putKey(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  if (c.data.length < 2) return err(SW.WRONG_DATA);
  const sd = s.selected;
  const e = s.entries[sd];
  if (sd !== s.isdAid && (!e || e.kind !== 'sd')) return err(SW.CONDITIONS_NOT_SATISFIED);
  const kvn = c.data[0]!;
  s.keys[sd] = [...new Set([...(s.keys[sd] ?? []), kvn])].filter((k) => k !== c.p1 || c.p1 === 0);
  if (e && e.lifeCycle === 0x07) e.lifeCycle = 0x0f;
  commit(`PUT_KEY ${sd} ${kvn}`);
  return ok;
}

function storeData(s: SimSeState, c: CommandApdu, commit: Commit): Answer {
  const p = s.personalizing;
  if (!p) return err(SW.CONDITIONS_NOT_SATISFIED);
  if (c.p2 !== (p.nextBlock & 0xff)) return err(SW.WRONG_SEQUENCE);
  p.nextBlock += 1;
  if (c.p1 !== 0x80) {
    commit();
    return ok;
  }
  s.personalizing = null;
  const e = s.entries[p.aid];
  if (e) e.lifeCycle = 0x0f;
  commit(`PERSONALIZED ${p.aid}`);
  return ok;
}
