// Validation of everything a caller asks a store to write, shared by every adapter.
import type { KeyRecord, TerminalRecord } from '../keys/index.ts';
import { EVIDENCE_COUNTER_FIELDS } from '../model/index.ts';
import { StorageError } from './errors.ts';
import type { CommitBatch, EvidenceDelta, ReadingInput, ReplayUpdate } from './types.ts';

const MAX_FC = 0xffff_ffff;
const READING_NUMBERS = [
  'voltage',
  'current',
  'activePower',
  'reactivePower',
  'powerFactor',
  'frequency',
  'energyImport',
  'energyExport',
] as const;
const EVIDENCE_COUNTS = EVIDENCE_COUNTER_FIELDS;

function invalid(what: string): never {
  throw new StorageError('GT_ERR_STORAGE_INVALID_BATCH', `invalid write: ${what}`, {
    hint: 'this is a bug in the caller: the store only accepts the value ranges documented in docs/storage.md',
  });
}

const isInt = (v: number, min: number, max: number): boolean => Number.isInteger(v) && v >= min && v <= max;

/**
 * True for the lower-case 16-hex-digit system title form of a TerminalId (`/^[0-9a-f]{16}$/`),
 * checked by char codes: it runs for every reading, window and evidence row of every batch.
 */
export function isTerminalIdText(text: string): boolean {
  if (typeof text !== 'string' || text.length !== 16) return false;
  for (let i = 0; i < 16; i++) {
    const c = text.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

const finiteOrNone = (v: number | null | undefined): boolean =>
  v === undefined || v === null || Number.isFinite(v);
const countOrNone = (v: number | null | undefined): boolean =>
  v === undefined || v === null || isInt(v, 0, Number.MAX_SAFE_INTEGER);

/** The rules of {@link checkReading} as one expression of named fields (it runs for every reading). */
function readingIsValid(r: ReadingInput): boolean {
  return (
    isTerminalIdText(r.terminal) &&
    isInt(r.purpose, 1, 15) &&
    isInt(r.keyVersion, 1, 4095) &&
    isInt(r.fc, 1, MAX_FC) &&
    Number.isSafeInteger(r.ts) &&
    Number.isSafeInteger(r.receivedAt) &&
    finiteOrNone(r.voltage) &&
    finiteOrNone(r.current) &&
    finiteOrNone(r.activePower) &&
    finiteOrNone(r.reactivePower) &&
    finiteOrNone(r.powerFactor) &&
    finiteOrNone(r.frequency) &&
    finiteOrNone(r.energyImport) &&
    finiteOrNone(r.energyExport)
  );
}

/** The rules of {@link checkEvidence} as one expression (one row per terminal per batch). */
function evidenceIsValid(e: EvidenceDelta): boolean {
  return (
    isTerminalIdText(e.terminal) &&
    isInt(e.cycle, 0, Number.MAX_SAFE_INTEGER) &&
    countOrNone(e.requests) &&
    countOrNone(e.replies) &&
    countOrNone(e.duplicates) &&
    countOrNone(e.late) &&
    countOrNone(e.integrityFailures) &&
    (e.delaySumMs === undefined || (Number.isFinite(e.delaySumMs) && e.delaySumMs >= 0)) &&
    countOrNone(e.delayCount)
  );
}

/** Names the first broken rule of a reading (only runs once readingIsValid said no). */
function checkReading(r: ReadingInput, i: number): void {
  if (readingIsValid(r)) return;
  if (!isTerminalIdText(r.terminal)) invalid(`readings[${i}].terminal is not 16 lower-case hex digits`);
  if (!isInt(r.purpose, 1, 15)) invalid(`readings[${i}].purpose must be 1..15`);
  if (!isInt(r.keyVersion, 1, 4095)) invalid(`readings[${i}].keyVersion must be 1..4095`);
  if (!isInt(r.fc, 1, MAX_FC)) invalid(`readings[${i}].fc must be 1..2^32-1`);
  if (!Number.isSafeInteger(r.ts)) invalid(`readings[${i}].ts must be integer ms`);
  if (!Number.isSafeInteger(r.receivedAt)) invalid(`readings[${i}].receivedAt must be integer ms`);
  for (const k of READING_NUMBERS) {
    const v = r[k];
    if (v !== undefined && v !== null && !Number.isFinite(v)) invalid(`readings[${i}].${k} must be finite`);
  }
}

function checkReplay(u: ReplayUpdate, i: number): void {
  if (!isTerminalIdText(u.terminal)) invalid(`replayUpdates[${i}].terminal is not a terminal id`);
  if (!isInt(u.purpose, 1, 15) || !isInt(u.version, 1, 4095)) invalid(`replayUpdates[${i}] purpose/version`);
  if (u.dir !== 0 && u.dir !== 1) invalid(`replayUpdates[${i}].dir must be 0 or 1`);
  const { highest, bitmap } = u.state;
  if (!isInt(highest, -1, MAX_FC)) {
    invalid(`replayUpdates[${i}].state.highest must be an integer in -1..2^32-1`);
  }
  if (typeof bitmap !== 'bigint' || bitmap < 0n || bitmap >= 1n << 64n) {
    invalid(`replayUpdates[${i}].state.bitmap must be a 64-bit unsigned bigint`);
  }
}

function checkEvidence(e: EvidenceDelta, i: number): void {
  if (evidenceIsValid(e)) return;
  if (!isTerminalIdText(e.terminal)) invalid(`evidenceDeltas[${i}].terminal is not a terminal id`);
  if (!isInt(e.cycle, 0, Number.MAX_SAFE_INTEGER))
    invalid(`evidenceDeltas[${i}].cycle must be a natural number`);
  for (const k of EVIDENCE_COUNTS) {
    const v = e[k];
    const ok =
      k === 'delaySumMs' ? Number.isFinite(v) && (v ?? 0) >= 0 : isInt(v ?? 0, 0, Number.MAX_SAFE_INTEGER);
    if (v !== undefined && !ok) invalid(`evidenceDeltas[${i}].${k} must be ≥ 0 (an integer count, or ms)`);
  }
}

/** Throws StorageError(INVALID_BATCH) naming the first bad field; writes nothing. */
export function validateBatch(batch: CommitBatch): void {
  const { readings, replayUpdates, evidenceDeltas } = batch;
  if (readings !== undefined) for (let i = 0; i < readings.length; i++) checkReading(readings[i]!, i);
  if (replayUpdates !== undefined)
    for (let i = 0; i < replayUpdates.length; i++) checkReplay(replayUpdates[i]!, i);
  if (evidenceDeltas !== undefined)
    for (let i = 0; i < evidenceDeltas.length; i++) checkEvidence(evidenceDeltas[i]!, i);
  (batch.rejectCounts ?? []).forEach((c, i) => {
    if (c.reason === '' || !isInt(c.count, 1, Number.MAX_SAFE_INTEGER)) invalid(`rejectCounts[${i}]`);
    if (c.terminal != null && !isTerminalIdText(c.terminal)) invalid(`rejectCounts[${i}].terminal`);
  });
}

/** The terminals a batch refers to (they must all exist). */
export function batchTerminals(batch: CommitBatch): Set<string> {
  const ids = new Set<string>();
  for (const r of batch.readings ?? []) ids.add(r.terminal);
  for (const u of batch.replayUpdates ?? []) ids.add(u.terminal);
  for (const e of batch.evidenceDeltas ?? []) ids.add(e.terminal);
  return ids;
}

export function validateTerminal(t: TerminalRecord): void {
  if (!isTerminalIdText(t.id)) invalid(`terminal id "${t.id}" is not 16 lower-case hex digits`);
  if (t.fusionTerminal !== null && !isTerminalIdText(t.fusionTerminal)) invalid('fusionTerminal id');
  if (!isInt(t.tenant, 0, 0xffff_ffff)) invalid('tenant must be 0..2^32-1');
  if (t.type === '' || t.type.length > 64) invalid('type must be 1..64 characters');
}

export function validateKey(k: KeyRecord): void {
  if (!isTerminalIdText(k.terminal)) invalid('key terminal id');
  if (!isInt(k.purpose, 0, 15)) invalid('key purpose must be 0..15');
  if (!isInt(k.version, 1, 4095)) invalid('key version must be 1..4095');
  if (k.graceUntil !== null && !Number.isSafeInteger(k.graceUntil))
    invalid('key graceUntil must be integer ms or null');
}

export function unknownTerminal(id: string): never {
  throw new StorageError('GT_ERR_STORAGE_UNKNOWN_TERMINAL', `unknown terminal ${id}`, {
    hint: 'add the terminal first (gridtrust terminals add)',
  });
}

export function duplicate(what: string): never {
  throw new StorageError('GT_ERR_STORAGE_DUPLICATE', `${what} exists already`, {
    hint: 'use another id or version; existing records are never overwritten',
  });
}
