// Public entry of the sim area.
export * from './world/index.ts';
// Fleet simulator (issue 4): terminal models, real load shapes, NB-IoT energy/timing, frame-level attacks.
export * from './energy.ts';
export { SimError, type SimErrorCode } from './errors.ts';
export {
  prepareLoadShapes,
  assignHousehold,
  householdWatts,
  type LoadCurveTable,
  type LoadShapes,
  type LoadShapeOptions,
  type HouseholdAssignment,
} from './load-shapes.ts';
export {
  TERMINAL_KINDS,
  DEFAULT_KIND_MIX,
  terminalTitle,
  type TerminalKind,
  type KindMix,
  type LayoutOptions,
  type FleetLayout,
  type FusionTerminal,
} from './layout.ts';
export {
  FRAME_ATTACK_KINDS,
  EXPECTED_REJECTION,
  assignFrameAttacks,
  type FrameAttackKind,
  type AttackTruth,
  type FrameAttackParams,
} from './frame-attacks.ts';
export { INTERVAL_MS } from './physics.ts';
export { OVERSIZED_FRAME_BYTES, type Upload, type Tally } from './report.ts';
export { createFrameSealer, type FrameSealer, type FrameSealerOptions } from './sealer.ts';
export {
  createFleet,
  summariseFleet,
  batterySummary,
  medianP90,
  type Fleet,
  type FleetOptions,
  type FleetTick,
} from './fleet.ts';
// Terminal agent (owned by the ingest/platform engineer): re-exported so cli/platform reach it through this entry.
export * from './agent/index.ts';
// Simulated secure element (issue 18): GlobalPlatform APDUs executed against persistent state.
export * from './se/index.ts';
// Firmware updater (issue 18): SUIT checks, resumable download, A/B install, anti-rollback.
export * from './firmware/index.ts';
