// Behaviour-evidence world (trust spec §6) with attacks A1–A8 (§8); re-exported by src/sim/index.ts.
export {
  ATTACK_TYPES,
  DEFAULT_WORLD_OPTIONS,
  NOISE_COMPONENTS,
  uniformNoise,
  WORLD,
  type AttackIntensity,
  type AttackType,
  type NoiseMult,
  type WorldOptions,
} from './params.ts';
export { createWorld, type EvidenceWorld, type GroundTruth } from './world.ts';
export type { WorldNode } from './nodes.ts';
export { toEvidenceRecords } from './export.ts';
