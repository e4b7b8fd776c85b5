// The evidence line format (docs/evidence-format.md): one JSON object per terminal per cycle, parsed to values.
import { HW_ATTRS, OPS_FEATURES, SW_ATTRS } from './types.ts';

/** One terminal's evidence for one cycle, as a fusion terminal (or the platform) accounts it. */
export interface EvidenceRecord {
  terminal: string;
  fusionTerminal: string;
  cycle: number;
  requests: number;
  validReplies: number;
  duplicates: number;
  lateReplies: number;
  tamperedCaught: number;
  meanDelayMs: number | null;
  /**
   * How precisely `meanDelayMs` was measured, ms (e.g. 1000 when it is arrival − a whole-second
   * telemetry time). A delay test whose allowance is finer than this is not fed. Absent = exact.
   */
  delayResolutionMs?: number;
  /** Attestation measurements as hashes (compared with the first ones seen = enrolment). */
  attestation?: { hw: string[]; sw: string[] };
  /** Or: consistency with the baseline per attribute, computed elsewhere (1 = identical). */
  attestationMatch?: { hw: number[]; sw: number[] };
  operatingState?: number[];
  remainingEnergyJ: number;
  initialEnergyJ: number;
  recommendations?: { about: string; positive: number; negative: number }[];
}

/** Why an evidence line was rejected. */
export type EvidenceRejection =
  'BAD_JSON' | 'NOT_OBJECT' | 'MISSING_FIELD' | 'BAD_TYPE' | 'OUT_OF_RANGE' | 'INCONSISTENT';

export type EvidenceParse =
  | { ok: true; record: EvidenceRecord }
  | { ok: false; reason: EvidenceRejection; message: string; hint: string };

type Obj = Record<string, unknown>;
/** Internal: carries a rejection out of the nested field readers; converted to a value in parseEvidenceLine. */
class Reject extends Error {
  constructor(
    readonly reason: EvidenceRejection,
    message: string,
    readonly hint: string,
  ) {
    super(message);
  }
}

function num(o: Obj, key: string, opts: { integer?: boolean; max?: number } = {}): number {
  const v = o[key];
  if (v === undefined)
    throw new Reject('MISSING_FIELD', `missing "${key}"`, `add "${key}" (see docs/evidence-format.md)`);
  if (typeof v !== 'number' || !Number.isFinite(v))
    throw new Reject('BAD_TYPE', `"${key}" is not a number`, `give "${key}" as a JSON number`);
  if (v < 0 || (opts.max !== undefined && v > opts.max))
    throw new Reject(
      'OUT_OF_RANGE',
      `"${key}" = ${v} is out of range`,
      `"${key}" must be in 0..${opts.max ?? '∞'}`,
    );
  if (opts.integer === true && !Number.isInteger(v))
    throw new Reject('BAD_TYPE', `"${key}" must be an integer`, `counts are whole numbers`);
  return v;
}

function str(o: Obj, key: string): string {
  const v = o[key];
  if (v === undefined)
    throw new Reject('MISSING_FIELD', `missing "${key}"`, `add "${key}" (see docs/evidence-format.md)`);
  if (typeof v !== 'string' || v === '')
    throw new Reject('BAD_TYPE', `"${key}" must be a non-empty string`, 'give the id as a JSON string');
  return v;
}

function arr<T>(v: unknown, key: string, len: number, ok: (x: unknown) => x is T): T[] {
  if (!Array.isArray(v) || v.length !== len || !v.every(ok)) {
    throw new Reject(
      'BAD_TYPE',
      `"${key}" must be an array of ${len} valid entries`,
      'see docs/evidence-format.md for the attribute order',
    );
  }
  return v;
}

const isHash = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
const isUnit = (x: unknown): x is number => typeof x === 'number' && x >= 0 && x <= 1;

function parseAttestation(o: Obj, r: EvidenceRecord): void {
  const a = o['attestation'];
  if (a !== undefined) {
    if (typeof a !== 'object' || a === null)
      throw new Reject(
        'BAD_TYPE',
        '"attestation" must be an object {hw, sw}',
        'give hashes as {"hw": [6], "sw": [8]}',
      );
    const ao = a as Obj;
    r.attestation = {
      hw: arr(ao['hw'], 'attestation.hw', HW_ATTRS, isHash),
      sw: arr(ao['sw'], 'attestation.sw', SW_ATTRS, isHash),
    };
  }
  const m = o['attestationMatch'];
  if (m !== undefined) {
    if (typeof m !== 'object' || m === null)
      throw new Reject('BAD_TYPE', '"attestationMatch" must be an object {hw, sw}', 'give values in [0,1]');
    const mo = m as Obj;
    r.attestationMatch = {
      hw: arr(mo['hw'], 'attestationMatch.hw', HW_ATTRS, isUnit),
      sw: arr(mo['sw'], 'attestationMatch.sw', SW_ATTRS, isUnit),
    };
  }
  if (o['operatingState'] !== undefined)
    r.operatingState = arr(o['operatingState'], 'operatingState', OPS_FEATURES, isUnit);
}

function parseRecommendations(o: Obj, r: EvidenceRecord): void {
  const v = o['recommendations'];
  if (v === undefined) return;
  if (!Array.isArray(v))
    throw new Reject(
      'BAD_TYPE',
      '"recommendations" must be an array',
      'give [{"about": id, "positive": n, "negative": n}]',
    );
  r.recommendations = v.map((x: unknown) => {
    if (typeof x !== 'object' || x === null)
      throw new Reject(
        'BAD_TYPE',
        'a recommendation is not an object',
        'give {"about", "positive", "negative"}',
      );
    const xo = x as Obj;
    return { about: str(xo, 'about'), positive: num(xo, 'positive'), negative: num(xo, 'negative') };
  });
}

function build(o: Obj): EvidenceRecord {
  const delay = o['meanDelayMs'];
  if (
    delay !== null &&
    delay !== undefined &&
    (typeof delay !== 'number' || !Number.isFinite(delay) || delay < 0)
  ) {
    throw new Reject(
      'BAD_TYPE',
      '"meanDelayMs" must be a non-negative number or null',
      'use null when no reply arrived',
    );
  }
  const r: EvidenceRecord = {
    terminal: str(o, 'terminal'),
    fusionTerminal: str(o, 'fusionTerminal'),
    cycle: num(o, 'cycle', { integer: true }),
    requests: num(o, 'requests', { integer: true }),
    validReplies: num(o, 'validReplies', { integer: true }),
    duplicates: num(o, 'duplicates', { integer: true }),
    lateReplies: num(o, 'lateReplies', { integer: true }),
    tamperedCaught: num(o, 'tamperedCaught', { integer: true }),
    meanDelayMs: typeof delay === 'number' ? delay : null,
    remainingEnergyJ: num(o, 'remainingEnergyJ'),
    initialEnergyJ: num(o, 'initialEnergyJ'),
  };
  if (o['delayResolutionMs'] !== undefined) r.delayResolutionMs = num(o, 'delayResolutionMs');
  parseAttestation(o, r);
  parseRecommendations(o, r);
  return r;
}

function checkConsistency(r: EvidenceRecord): void {
  if (r.validReplies + r.tamperedCaught > r.requests)
    throw new Reject(
      'INCONSISTENT',
      'validReplies + tamperedCaught exceeds requests',
      'unique replies cannot outnumber requests; count copies as duplicates',
    );
  if (r.lateReplies > r.validReplies)
    throw new Reject(
      'INCONSISTENT',
      'lateReplies exceeds validReplies',
      'lateReplies counts the valid replies that arrived after the time threshold',
    );
  if (!(r.initialEnergyJ > 0) || r.remainingEnergyJ > r.initialEnergyJ)
    throw new Reject(
      'INCONSISTENT',
      'energy must satisfy 0 <= remainingEnergyJ <= initialEnergyJ, initialEnergyJ > 0',
      'report joules; mains-powered terminals may repeat one constant for both',
    );
}

/** Parses one line; never throws. */
export function parseEvidenceLine(line: string): EvidenceParse {
  let v: unknown;
  try {
    v = JSON.parse(line);
  } catch {
    return {
      ok: false,
      reason: 'BAD_JSON',
      message: 'not valid JSON',
      hint: 'each line must be one complete JSON object',
    };
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    return {
      ok: false,
      reason: 'NOT_OBJECT',
      message: 'the line is not a JSON object',
      hint: 'one {...} object per line',
    };
  }
  try {
    const r = build(v as Obj);
    checkConsistency(r);
    return { ok: true, record: r };
  } catch (e) {
    if (e instanceof Reject) return { ok: false, reason: e.reason, message: e.message, hint: e.hint };
    throw e;
  }
}
