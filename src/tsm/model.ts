// The TSM data model of spec §4.3: secure elements, security domains, providers, load files,
// applications, service templates and jobs (the breakpoint journal).
import type { TerminalId, UnixMillis } from '../core/index.ts';
import type { CardState } from './codings.ts';
import type { EntityState, Privilege } from './lifecycle.ts';

export type SeType = 'ESAM' | 'eSIM' | 'eSE';
export const SE_TYPES: readonly SeType[] = ['ESAM', 'eSIM', 'eSE'];

/** A key set on the SE (key version number and its key ids; never key values). */
export interface KeySet {
  kvn: number;
  keyIds: number[];
}

export interface SecureElement {
  seId: string;
  type: SeType;
  /** Card Production Life Cycle data, hex. */
  cplc: string;
  cardLifeCycle: CardState;
  isdAid: string;
  /** Secure channel protocol: 0x02 (SCP02) or 0x03 (SCP03). */
  scpVersion: number;
  keysets: KeySet[];
  terminalSystemTitle: TerminalId;
}

export interface SecurityDomain {
  aid: string;
  seId: string;
  kind: 'ISD' | 'SSD';
  parentAid?: string;
  ownerProviderId: string;
  privileges: Privilege[];
  lifeCycle: EntityState;
  keyVersions: number[];
}

export interface ApplicationProvider {
  providerId: string;
  name: string;
  /** PEM or fingerprints; public material only. */
  certificates: string[];
  slaRef: string;
}

export interface LoadFile {
  elfAid: string;
  version: string;
  sha256: string;
  dapSignature: string;
  sizeBytes: number;
  providerId: string;
}

export interface Application {
  instanceAid: string;
  seId: string;
  elfAid: string;
  moduleAid: string;
  sdAid: string;
  privileges: Privilege[];
  installParams: string;
  lifeCycle: EntityState;
  version: string;
}

/** The seed's operations and the GlobalPlatform steps they are made of (spec §4.4). */
export type StepOp =
  | 'CREATE_SSD'
  | 'LOAD'
  | 'INSTALL'
  | 'PERSONALIZE'
  | 'MAKE_SELECTABLE'
  | 'LOCK'
  | 'UNLOCK'
  | 'DELETE'
  | 'EXTRADITE'
  | 'UPGRADE';

export interface Step {
  op: StepOp;
  /** Step parameters: AIDs, load-file bytes as hex, key data handles. */
  params: Readonly<Record<string, string | number>>;
  /** Stable per (job, step): the SE side recognises a repeated step by it. */
  idempotencyKey: string;
}

export interface ServiceTemplate {
  templateId: string;
  name: string;
  steps: Step[];
}

export type JobStatus = 'pending' | 'running' | 'paused' | 'stalled' | 'done' | 'failed' | 'cancelled';

/** One audited fact: who did what to which entity, why and when. */
export interface TsmAuditEntry {
  at: UnixMillis;
  actor: string;
  reason: string;
  entity: 'card' | 'sd' | 'app' | 'elf' | 'job';
  id: string;
  from: string;
  to: string;
}

/** A job: the breakpoint journal of one template run on one SE. */
export interface Job {
  jobId: string;
  seId: string;
  templateId: string;
  steps: Step[];
  /** Index of the step to do next (steps before it are done). */
  stepIndex: number;
  /** For LOAD: the next block number to send. */
  blockCursor: number;
  status: JobStatus;
  attempts: number;
  /** Why the job is paused, stalled or failed. */
  detail: string;
  updatedAt: UnixMillis;
  audit: TsmAuditEntry[];
}
