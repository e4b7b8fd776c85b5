// Converts the world's evidence batch to evidence records (docs/evidence-format.md) for export.
import {
  HW_ATTRS,
  OPS_FEATURES,
  SW_ATTRS,
  type EvidenceBatch,
  type EvidenceRecord,
} from '../../trust/index.ts';
import type { EvidenceWorld } from './world.ts';

const hex = (v: number): string => (v >>> 0).toString(16).padStart(8, '0');

/** Reported hash: the baseline when it matched, else the changed value (or a glitch value). */
function reported(base: number, current: number, matched: number): string {
  if (matched >= 1) return hex(base);
  return hex(current !== base ? current : base ^ 0x5a5a5a5a);
}

/** One record per terminal polled this cycle, exactly what the fusion terminal accounted. */
export function toEvidenceRecords(world: EvidenceWorld, b: EvidenceBatch): EvidenceRecord[] {
  const out: EvidenceRecord[] = [];
  world.nodes.forEach((node, i) => {
    if (b.active[i] !== 1) return;
    const d = b.meanDelay[i] ?? Number.NaN;
    const r: EvidenceRecord = {
      terminal: node.id,
      fusionTerminal: world.options.fusionTerminal,
      cycle: b.cycle,
      requests: b.requests[i] ?? 0,
      validReplies: b.valid[i] ?? 0,
      duplicates: b.duplicates[i] ?? 0,
      lateReplies: b.late[i] ?? 0,
      tamperedCaught: b.tamperedCaught[i] ?? 0,
      meanDelayMs: Number.isNaN(d) ? null : Math.round(d * 1000) / 1000,
      remainingEnergyJ: b.remaining[i] ?? 0,
      initialEnergyJ: b.initial[i] ?? 0,
    };
    if (b.statusReport[i] === 1) {
      r.operatingState = Array.from(
        b.ops.subarray(i * OPS_FEATURES, (i + 1) * OPS_FEATURES),
        (v) => Math.round(v * 1e4) / 1e4,
      );
    }
    if (b.attested[i] === 1) {
      r.attestation = {
        hw: node.baseHw.map((h, j) => reported(h, node.hw[j] ?? h, b.hwMatch[i * HW_ATTRS + j] ?? 1)),
        sw: node.baseSw.map((h, j) => reported(h, node.sw[j] ?? h, b.swMatch[i * SW_ATTRS + j] ?? 1)),
      };
    }
    out.push(r);
  });
  for (let m = 0; m < b.repCount; m++) {
    const from = world.nodes[b.repFrom[m] ?? 0]?.id;
    const about = world.nodes[b.repAbout[m] ?? 0]?.id ?? '';
    const rec = out.find((x) => x.terminal === from);
    if (rec !== undefined)
      (rec.recommendations ??= []).push({ about, positive: b.repPos[m] ?? 0, negative: b.repNeg[m] ?? 0 });
  }
  return out;
}
