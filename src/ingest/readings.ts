// Telemetry (scaled integers, ctype 0x01) to a stored reading in SI units [SGT1-7.3].
import type { UnixMillis } from '../core/index.ts';
import type { Sgt1Header, Telemetry } from '../protocol/index.ts';
import type { IngestReading } from './store-port.ts';

// Divide (not multiply by 10) so 2301 → 230.1 exactly as printed.
const scale = (v: number | undefined, div: number): number | null => (v === undefined ? null : v / div);

/** Converts one telemetry record: 0.1 V, 0.01 A, 0.001 PF and 0.01 Hz steps become V, A, 1 and Hz. */
export function toReading(header: Sgt1Header, t: Telemetry, receivedAt: UnixMillis): IngestReading {
  return {
    terminal: header.terminalId,
    purpose: header.purpose,
    keyVersion: header.keyVersion,
    fc: header.fc,
    ts: (t.t * 1000) as UnixMillis,
    receivedAt,
    voltage: scale(t.voltage, 10),
    current: scale(t.current, 100),
    activePower: scale(t.activePower, 1),
    reactivePower: scale(t.reactivePower, 1),
    powerFactor: scale(t.powerFactor, 1000),
    frequency: scale(t.frequency, 100),
    energyImport: scale(t.energyImport, 1),
    energyExport: scale(t.energyExport, 1),
  };
}

const finiteOrNull = (v: number | null | undefined): boolean => v == null || Number.isFinite(v);

/**
 * True when the store will take the reading (the rules of storage's batch validation for what a
 * frame controls): a reading it would refuse is refused as BAD_PAYLOAD before it joins a group
 * commit, so one poison frame never fails the commit of every terminal in the batch (issue #16).
 */
export function isStorableReading(r: IngestReading): boolean {
  return (
    Number.isSafeInteger(r.ts) &&
    finiteOrNull(r.voltage) &&
    finiteOrNull(r.current) &&
    finiteOrNull(r.activePower) &&
    finiteOrNull(r.reactivePower) &&
    finiteOrNull(r.powerFactor) &&
    finiteOrNull(r.frequency) &&
    finiteOrNull(r.energyImport) &&
    finiteOrNull(r.energyExport)
  );
}
