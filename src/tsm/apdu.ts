// Command and response APDUs (ISO/IEC 7816-4 short form) and the GlobalPlatform commands built on them
// [ISO7816-4-5.1, GPCS-11]: INSTALL, LOAD, DELETE, SET STATUS, GET STATUS, PUT KEY, STORE DATA.
import { INS, INSTALL_P1, STATUS_P1 } from './codings.ts';

/** A command APDU. `le` absent = no response data expected (case 1/3). */
export interface CommandApdu {
  cla: number;
  ins: number;
  p1: number;
  p2: number;
  data: Uint8Array;
  le?: number;
}

export type ApduParse = { ok: true; apdu: CommandApdu } | { ok: false; reason: 'BAD_APDU'; detail: string };

/** GlobalPlatform proprietary class byte (no secure messaging: the SGT1 frame protects the channel). */
export const GP_CLA = 0x80;

/** Encodes a short command APDU: CLA INS P1 P2 [Lc data] [Le] [ISO7816-4-5.1]. */
export function encodeCommand(c: CommandApdu): Uint8Array {
  if (c.data.length > 255) throw new RangeError('short APDUs carry at most 255 data bytes');
  const out = [c.cla, c.ins, c.p1, c.p2];
  if (c.data.length > 0) out.push(c.data.length, ...c.data);
  if (c.le !== undefined) out.push(c.le & 0xff);
  return Uint8Array.from(out);
}

/** Parses a short command APDU (cases 1–4); any other length is refused as a value. */
export function parseCommand(b: Uint8Array): ApduParse {
  if (b.length < 4) return { ok: false, reason: 'BAD_APDU', detail: 'shorter than the 4-byte header' };
  const head = { cla: b[0]!, ins: b[1]!, p1: b[2]!, p2: b[3]! };
  if (b.length === 4) return { ok: true, apdu: { ...head, data: new Uint8Array(0) } };
  if (b.length === 5) return { ok: true, apdu: { ...head, data: new Uint8Array(0), le: b[4]! } };
  const lc = b[4]!;
  if (lc === 0)
    return { ok: false, reason: 'BAD_APDU', detail: 'Lc 0 with data (extended APDUs unsupported)' };
  const data = b.subarray(5, 5 + lc);
  if (b.length === 5 + lc) return { ok: true, apdu: { ...head, data } };
  if (b.length === 6 + lc) return { ok: true, apdu: { ...head, data, le: b[5 + lc]! } };
  return { ok: false, reason: 'BAD_APDU', detail: `Lc ${lc} does not match ${b.length - 5} bytes after it` };
}

/** A response APDU: data ‖ SW1 SW2. */
export interface ResponseApdu {
  data: Uint8Array;
  sw: number;
}

export function encodeResponse(r: ResponseApdu): Uint8Array {
  const out = new Uint8Array(r.data.length + 2);
  out.set(r.data, 0);
  out[r.data.length] = r.sw >> 8;
  out[r.data.length + 1] = r.sw & 0xff;
  return out;
}

export function parseResponse(b: Uint8Array): ResponseApdu | undefined {
  if (b.length < 2) return undefined;
  return { data: b.subarray(0, b.length - 2), sw: (b[b.length - 2]! << 8) | b[b.length - 1]! };
}

/** Length-prefixed value (LV). */
export function lv(v: Uint8Array): number[] {
  return [v.length, ...v];
}

/** Simple BER-TLV with one- or two-byte tags and short lengths. */
export function tlv(tag: number, v: Uint8Array): number[] {
  const t = tag > 0xff ? [tag >> 8, tag & 0xff] : [tag];
  return [...t, v.length, ...v];
}

export const fromHex = (h: string): Uint8Array => Uint8Array.from(Buffer.from(h, 'hex'));
export const toHex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

const cmd = (ins: number, p1: number, p2: number, data: number[] = []): CommandApdu => ({
  cla: GP_CLA,
  ins,
  p1,
  p2,
  data: Uint8Array.from(data),
});
const NONE = new Uint8Array(0);

/** INSTALL [for load] [GPCS-11.5.2.3.1]: ELF AID, SD AID, load-file hash, no params, no token. */
export function installForLoad(o: { elfAid: string; sdAid: string; hash: Uint8Array }): CommandApdu {
  return cmd(INS.INSTALL, INSTALL_P1.FOR_LOAD, 0, [
    ...lv(fromHex(o.elfAid)),
    ...lv(fromHex(o.sdAid)),
    ...lv(o.hash),
    0,
    0,
  ]);
}

/** INSTALL [for install and make selectable] [GPCS-11.5.2.3.2]. */
export function installForInstall(o: {
  elfAid: string;
  moduleAid: string;
  instanceAid: string;
  privileges: number;
  params?: Uint8Array;
  makeSelectable?: boolean;
}): CommandApdu {
  const p1 = o.makeSelectable === false ? INSTALL_P1.FOR_INSTALL : INSTALL_P1.FOR_INSTALL_AND_MAKE_SELECTABLE;
  return cmd(INS.INSTALL, p1, 0, [
    ...lv(fromHex(o.elfAid)),
    ...lv(fromHex(o.moduleAid)),
    ...lv(fromHex(o.instanceAid)),
    ...lv(Uint8Array.of(o.privileges)),
    ...lv(o.params ?? Uint8Array.of(0xc9, 0x00)),
    0,
  ]);
}

/** INSTALL [for make selectable] [GPCS-11.5.2.3.3]. */
export function installForMakeSelectable(instanceAid: string): CommandApdu {
  return cmd(INS.INSTALL, INSTALL_P1.FOR_MAKE_SELECTABLE, 0, [0, 0, ...lv(fromHex(instanceAid)), 1, 0, 0, 0]);
}

/** INSTALL [for extradition] [GPCS-11.5.2.3.4]: move an application to another security domain. */
export function installForExtradition(o: { sdAid: string; instanceAid: string }): CommandApdu {
  return cmd(INS.INSTALL, INSTALL_P1.FOR_EXTRADITION, 0, [
    ...lv(fromHex(o.sdAid)),
    0,
    ...lv(fromHex(o.instanceAid)),
    0,
    0,
    0,
  ]);
}

/** INSTALL [for personalization] [GPCS-11.5.2.3.6]: the following STORE DATA go to this application. */
export function installForPersonalization(instanceAid: string): CommandApdu {
  return cmd(INS.INSTALL, INSTALL_P1.FOR_PERSONALIZATION, 0, [0, 0, ...lv(fromHex(instanceAid)), 0, 0, 0]);
}

/** LOAD block `n` [GPCS-11.6]: P1 0x80 marks the last block, P2 the block number. */
export function loadBlock(o: { block: number; last: boolean; data: Uint8Array }): CommandApdu {
  return { cla: GP_CLA, ins: INS.LOAD, p1: o.last ? 0x80 : 0x00, p2: o.block & 0xff, data: o.data };
}

/** DELETE [GPCS-11.2]: tag 4F AID; P2 0x80 also deletes related objects. */
export function deleteAid(aid: string, related = false): CommandApdu {
  return cmd(INS.DELETE, 0, related ? 0x80 : 0, tlv(0x4f, fromHex(aid)));
}

/** SET STATUS [GPCS-11.10]: P1 status type, P2 the new state coding, data the AID. */
export function setStatus(o: { p1: number; state: number; aid?: string }): CommandApdu {
  return cmd(INS.SET_STATUS, o.p1, o.state, o.aid ? [...fromHex(o.aid)] : []);
}

/** GET STATUS [GPCS-11.4] with P2 0x02 (GP 2.2 TLV format) for one AID, or all with an empty 4F. */
export function getStatus(o: { p1: number; aid?: string }): CommandApdu {
  return { ...cmd(INS.GET_STATUS, o.p1, 0x02, tlv(0x4f, o.aid ? fromHex(o.aid) : NONE)), le: 0 };
}

/** PUT KEY [GPCS-11.8]: P1 the key version replaced (0 = new), P2 0x81 (several keys), data KVN ‖ keys. */
export function putKey(o: { oldKvn: number; newKvn: number; keyData: Uint8Array }): CommandApdu {
  return {
    cla: GP_CLA,
    ins: INS.PUT_KEY,
    p1: o.oldKvn,
    p2: 0x81,
    data: Uint8Array.from([o.newKvn, ...o.keyData]),
  };
}

/** STORE DATA block `n` [GPCS-11.11]: P1 0x80 marks the last block. */
export function storeData(o: { block: number; last: boolean; data: Uint8Array }): CommandApdu {
  return { cla: GP_CLA, ins: INS.STORE_DATA, p1: o.last ? 0x80 : 0x00, p2: o.block & 0xff, data: o.data };
}

/** One GET STATUS entry (tag E3): AID 4F, life cycle 9F70, privileges C5, load file C4 [GPCS-11.4.3.1]. */
export interface StatusEntry {
  aid: string;
  lifeCycle: number;
  privileges: number;
  elfAid?: string;
  /** Associated security domain (tag CC). */
  sdAid?: string;
}

export function encodeStatusEntry(e: StatusEntry): number[] {
  const inner = [
    ...tlv(0x4f, fromHex(e.aid)),
    ...tlv(0x9f70, Uint8Array.of(e.lifeCycle)),
    ...tlv(0xc5, Uint8Array.of(e.privileges)),
    ...(e.elfAid ? tlv(0xc4, fromHex(e.elfAid)) : []),
    ...(e.sdAid ? tlv(0xcc, fromHex(e.sdAid)) : []),
  ];
  return tlv(0xe3, Uint8Array.from(inner));
}

/** Parses GET STATUS response data (a run of E3 templates); undefined when malformed. */
export function parseStatusEntries(b: Uint8Array): StatusEntry[] | undefined {
  const out: StatusEntry[] = [];
  for (let i = 0; i < b.length;) {
    if (b[i] !== 0xe3 || i + 2 > b.length) return undefined;
    const len = b[i + 1]!;
    const body = b.subarray(i + 2, i + 2 + len);
    if (body.length !== len) return undefined;
    const e = parseEntryBody(body);
    if (!e) return undefined;
    out.push(e);
    i += 2 + len;
  }
  return out;
}

function parseEntryBody(b: Uint8Array): StatusEntry | undefined {
  const e: Partial<StatusEntry> = {};
  for (let i = 0; i < b.length;) {
    const two = b[i] === 0x9f;
    const tag = two ? (b[i]! << 8) | b[i + 1]! : b[i]!;
    const at = i + (two ? 1 : 0) + 1;
    const len = b[at];
    if (len === undefined || at + 1 + len > b.length) return undefined;
    const v = b.subarray(at + 1, at + 1 + len);
    if (tag === 0x4f) e.aid = toHex(v);
    else if (tag === 0x9f70) e.lifeCycle = v[0];
    else if (tag === 0xc5) e.privileges = v[0];
    else if (tag === 0xc4) e.elfAid = toHex(v);
    else if (tag === 0xcc) e.sdAid = toHex(v);
    i = at + 1 + len;
  }
  if (e.aid === undefined || e.lifeCycle === undefined) return undefined;
  return {
    aid: e.aid,
    lifeCycle: e.lifeCycle,
    privileges: e.privileges ?? 0,
    ...(e.elfAid ? { elfAid: e.elfAid } : {}),
    ...(e.sdAid ? { sdAid: e.sdAid } : {}),
  };
}

/** GET STATUS P1 for each entity kind. */
export const STATUS_OF = {
  isd: STATUS_P1.ISD,
  apps: STATUS_P1.APPS_AND_SSDS,
  elfs: STATUS_P1.LOAD_FILES,
} as const;

/** SELECT by AID [ISO7816-4-11.2.2]: CLA 00 INS A4 P1 04 P2 00. */
export function selectAid(aid: string): CommandApdu {
  return { cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x00, data: fromHex(aid) };
}
