// The bus subjects of the frame path (ARCHITECTURE.md): partitioned by fusion terminal, the trust sharding key.

/** The partition of direct terminals (the model's). */
export { DIRECT_PARTITION } from '../model/index.ts';

/** Accepted readings of one terminal under its partition: `readings.<partition>.<terminal>`. */
export function readingsSubject(partition: string, terminal: string): string {
  return `readings.${partition}.${terminal}`;
}

/** Per-terminal evidence deltas of one durable commit: `evidence.<partition>`. */
export function evidenceSubject(partition: string): string {
  return `evidence.${partition}`;
}

/** Trust decisions of one closed cycle: `decisions.<partition>`. */
export function decisionsSubject(partition: string): string {
  return `decisions.${partition}`;
}

/** The partition named by the last token of an `evidence.<p>` or `decisions.<p>` subject. */
export function partitionOfSubject(subject: string): string {
  return subject.slice(subject.indexOf('.') + 1);
}
