// Turns one closed cycle's trust decisions into the rows the API keeps (score null when not scored).

/** The decision fields the history needs; anything else the engine adds is kept as is. */
export interface DecisionLike {
  readonly terminal: string;
  readonly cycle: number;
  readonly trust: number;
}

/** History entries of one cycle. */
export function toTrustHistory(decisions: readonly DecisionLike[]) {
  return decisions.map((d) => ({
    terminal: d.terminal,
    cycle: d.cycle,
    score: Number.isFinite(d.trust) ? d.trust : null,
    decision: JSON.parse(
      JSON.stringify(d, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? null : v)),
    ) as Record<string, unknown>,
  }));
}
