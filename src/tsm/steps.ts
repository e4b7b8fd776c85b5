// Step executors: each reads the SE's state with GET STATUS first and acts only if the step is not
// yet applied, so redoing a step after any interruption never applies it twice (spec §4.3–4.4).
import {
  STATUS_OF,
  deleteAid,
  encodeCommand,
  getStatus,
  installForExtradition,
  installForInstall,
  installForLoad,
  installForMakeSelectable,
  installForPersonalization,
  loadBlock,
  parseResponse,
  parseStatusEntries,
  putKey,
  selectAid,
  setStatus,
  storeData,
  type CommandApdu,
  type StatusEntry,
} from './apdu.ts';
import type { LinkFailure, SeChannel } from './channel.ts';
import { SW, isLocked } from './codings.ts';
import type { Step } from './model.ts';

export type StepOutcome =
  | { kind: 'done'; applied: boolean }
  | { kind: 'link'; reason: LinkFailure }
  | { kind: 'refused'; sw: number; detail: string };

/** What a step may use: the channel, data sources and the durable block cursor. */
export interface StepContext {
  channel: SeChannel;
  /** The load-file bytes for an ELF AID. */
  loadFile(elfAid: string): Uint8Array | undefined;
  /** Personalisation key data (never journalled) for a key handle. */
  keyData(handle: string): Uint8Array | undefined;
  /** Personalisation data for a data handle. */
  personalData(handle: string): Uint8Array;
  sha256(b: Uint8Array): Uint8Array;
  blockCursor: number;
  /** Persists the next block to send (resolves once durable). */
  saveCursor(block: number): Promise<void>;
  /** @default 240 */
  blockSize: number;
  isdAid: string;
}

/** Unwinds a step on the first failed exchange (caught in runStep; never escapes). */
class Stop extends Error {
  constructor(readonly outcome: StepOutcome) {
    super(outcome.kind);
  }
}

async function send(c: StepContext, apdu: CommandApdu, okSw: readonly number[] = [SW.OK]) {
  const r = await c.channel.transmit(encodeCommand(apdu));
  if (!r.ok) throw new Stop({ kind: 'link', reason: r.reason });
  const res = parseResponse(r.response);
  if (!res) throw new Stop({ kind: 'refused', sw: 0, detail: 'response shorter than a status word' });
  if (!okSw.includes(res.sw))
    throw new Stop({
      kind: 'refused',
      sw: res.sw,
      detail: `INS ${apdu.ins.toString(16)} answered ${res.sw.toString(16)}`,
    });
  return res;
}

async function status(
  c: StepContext,
  kind: keyof typeof STATUS_OF,
  aid: string,
): Promise<StatusEntry | null> {
  const res = await send(c, getStatus({ p1: STATUS_OF[kind], aid }), [SW.OK, SW.NOT_FOUND]);
  if (res.sw === SW.NOT_FOUND) return null;
  const e = parseStatusEntries(res.data);
  if (!e || e.length === 0)
    throw new Stop({ kind: 'refused', sw: res.sw, detail: 'malformed GET STATUS answer' });
  return e[0]!;
}

const s = (st: Step, k: string) => String(st.params[k]);
const n = (st: Step, k: string) => Number(st.params[k] ?? 0);
const DONE: StepOutcome = { kind: 'done', applied: false };
const APPLIED: StepOutcome = { kind: 'done', applied: true };

async function load(c: StepContext, st: Step): Promise<StepOutcome> {
  const elfAid = s(st, 'elfAid');
  if (await status(c, 'elfs', elfAid)) return DONE;
  const bytes = c.loadFile(elfAid);
  if (!bytes) return { kind: 'refused', sw: 0, detail: `no load file ${elfAid} at the platform` };
  const blocks = Math.max(1, Math.ceil(bytes.length / c.blockSize));
  let next = c.blockCursor;
  if (next > 0) {
    // try to continue the SE's pending load; a card that lost it answers and we restart (spec §4.4)
    const r = await c.channel.transmit(encodeCommand(block(c, bytes, next, blocks)));
    if (!r.ok) return { kind: 'link', reason: r.reason };
    if (parseResponse(r.response)?.sw === SW.OK) {
      next += 1;
      await c.saveCursor(next);
    } else next = 0;
  }
  if (next === 0) await send(c, installForLoad({ elfAid, sdAid: s(st, 'sdAid'), hash: c.sha256(bytes) }));
  for (; next < blocks; next++) {
    await send(c, block(c, bytes, next, blocks));
    // the cursor names the next block the SE has not acknowledged
    await c.saveCursor(next + 1);
  }
  return APPLIED;
}

function block(c: StepContext, bytes: Uint8Array, i: number, blocks: number): CommandApdu {
  return loadBlock({
    block: i,
    last: i === blocks - 1,
    data: bytes.subarray(i * c.blockSize, (i + 1) * c.blockSize),
  });
}

async function install(
  c: StepContext,
  st: Step,
  makeSelectable: boolean,
  aidKey = 'instanceAid',
  elfKey = 'elfAid',
) {
  await send(
    c,
    installForInstall({
      elfAid: s(st, elfKey),
      moduleAid: s(st, 'moduleAid'),
      instanceAid: s(st, aidKey),
      privileges: n(st, 'privileges'),
      makeSelectable,
    }),
  );
}

async function personalize(c: StepContext, st: Step): Promise<StepOutcome> {
  if (st.params.keyHandle !== undefined) {
    const sd = await status(c, 'apps', s(st, 'sdAid'));
    if (!sd) return { kind: 'refused', sw: SW.NOT_FOUND, detail: 'no such security domain' };
    if ((sd.lifeCycle & 0x7f) === 0x0f) return DONE;
    const keys = c.keyData(s(st, 'keyHandle'));
    if (!keys) return { kind: 'refused', sw: 0, detail: 'no key data for the handle' };
    await send(c, selectAid(s(st, 'sdAid')));
    await send(c, putKey({ oldKvn: 0, newKvn: n(st, 'kvn'), keyData: keys }));
    await send(c, selectAid(c.isdAid));
    return APPLIED;
  }
  const app = await status(c, 'apps', s(st, 'instanceAid'));
  if (!app) return { kind: 'refused', sw: SW.NOT_FOUND, detail: 'no such application' };
  if ((app.lifeCycle & 0x7f) === 0x0f) return DONE;
  const data = c.personalData(s(st, 'dataHandle'));
  await send(c, installForPersonalization(s(st, 'instanceAid')));
  const blocks = Math.max(1, Math.ceil(data.length / c.blockSize));
  for (let i = 0; i < blocks; i++)
    await send(
      c,
      storeData({
        block: i,
        last: i === blocks - 1,
        data: data.subarray(i * c.blockSize, (i + 1) * c.blockSize),
      }),
    );
  return APPLIED;
}

async function exec(c: StepContext, st: Step): Promise<StepOutcome> {
  switch (st.op) {
    case 'LOAD':
      return load(c, st);
    case 'CREATE_SSD':
      if (await status(c, 'apps', s(st, 'sdAid'))) return DONE;
      await send(
        c,
        installForInstall({
          elfAid: s(st, 'elfAid'),
          moduleAid: s(st, 'moduleAid'),
          instanceAid: s(st, 'sdAid'),
          privileges: 0x80,
        }),
      );
      return APPLIED;
    case 'INSTALL':
      if (await status(c, 'apps', s(st, 'instanceAid'))) return DONE;
      await install(c, st, false);
      return APPLIED;
    case 'MAKE_SELECTABLE': {
      const a = await status(c, 'apps', s(st, 'instanceAid'));
      if (!a) return { kind: 'refused', sw: SW.NOT_FOUND, detail: 'no such application' };
      if ((a.lifeCycle & 0x7f) !== 0x03) return DONE;
      await send(c, installForMakeSelectable(s(st, 'instanceAid')));
      return APPLIED;
    }
    case 'PERSONALIZE':
      return personalize(c, st);
    case 'LOCK':
    case 'UNLOCK': {
      const a = await status(c, 'apps', s(st, 'instanceAid'));
      if (!a) return { kind: 'refused', sw: SW.NOT_FOUND, detail: 'no such application' };
      if (isLocked(a.lifeCycle) === (st.op === 'LOCK')) return DONE;
      await send(
        c,
        setStatus({ p1: STATUS_OF.apps, state: st.op === 'LOCK' ? 0x80 : 0x00, aid: s(st, 'instanceAid') }),
      );
      return APPLIED;
    }
    case 'DELETE':
      if (!(await status(c, s(st, 'kind') === 'elf' ? 'elfs' : 'apps', s(st, 'aid')))) return DONE;
      await send(c, deleteAid(s(st, 'aid')));
      return APPLIED;
    case 'EXTRADITE': {
      const a = await status(c, 'apps', s(st, 'instanceAid'));
      if (!a) return { kind: 'refused', sw: SW.NOT_FOUND, detail: 'no such application' };
      if (a.sdAid === s(st, 'sdAid')) return DONE;
      await send(c, installForExtradition({ sdAid: s(st, 'sdAid'), instanceAid: s(st, 'instanceAid') }));
      return APPLIED;
    }
    case 'UPGRADE': {
      const a = await status(c, 'apps', s(st, 'instanceAid'));
      if (a?.elfAid === s(st, 'newElfAid')) return DONE;
      if (a) await send(c, deleteAid(s(st, 'instanceAid')));
      await install(c, st, true, 'instanceAid', 'newElfAid');
      return APPLIED;
    }
  }
}

/** Runs one step against the SE; link failures and refusals come back as values. */
export async function runStep(c: StepContext, st: Step): Promise<StepOutcome> {
  try {
    return await exec(c, st);
  } catch (e) {
    if (e instanceof Stop) return e.outcome;
    throw e;
  }
}
