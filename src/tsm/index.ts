// Public entry of the tsm area: GlobalPlatform model and state machines, APDUs, templates, the job
// journal and runner, signed manifests and campaigns.
export * from './codings.ts';
export * from './lifecycle.ts';
export type * from './model.ts';
export { SE_TYPES } from './model.ts';
export { TsmError, type TsmErrorCode } from './errors.ts';
export { createTsmRegistry, type ChangeContext, type TsmRegistry } from './registry.ts';
export * from './apdu.ts';
export type { ChannelResult, LinkFailure, SeChannel } from './channel.ts';
export {
  FINAL,
  HOLDING,
  createMemoryJournal,
  type CreateResult,
  type JobFilter,
  type JobJournal,
} from './journal.ts';
export { TEMPLATE_IDS, buildTemplate, type TemplateId, type TemplateParams } from './templates.ts';
export type { StepOutcome } from './steps.ts';
export { createJobRunner, type JobRunner, type JobRunnerOptions, type NewJob } from './runner.ts';
export { sha256 } from './digest.ts';
export * from './suit/manifest.ts';
export { CborTag, decodeCbor, encodeCbor, type CborValue } from './suit/cbor.ts';
export * from './suit/sign.ts';
export * from './campaign.ts';
export { driveCampaign, type CampaignDriverOptions } from './campaign-driver.ts';
export { createSgt1SeChannel, type Sgt1SeChannel, type Sgt1SeChannelOptions } from './sgt1-channel.ts';
