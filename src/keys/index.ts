// Public entry of the keys area: key lifecycle (SP 800-57), the key registry and its store port, key wrap,
// the key store port and its adapters (software: KEK file/env; pkcs11: loaded lazily, only when opened).
export type { KeyState, KeyPhase, TransitionCheck, TransitionRefusal } from './lifecycle.ts';
export {
  KEY_STATES,
  allowedKeyTransitions,
  checkKeyTransition,
  isKeyState,
  keyPhase,
  mayProcess,
  mayProtect,
} from './lifecycle.ts';
export type {
  AuditInput,
  KeyRecord,
  KeyRef,
  KeyTransitionRequest,
  KeyTransitionResult,
  NewTerminals,
  RegistryStore,
  TerminalRecord,
  TerminalStatus,
} from './registry-types.ts';
export { ROOT_KEY_PURPOSE } from './registry-types.ts';
export type {
  AddTerminalsResult,
  KeyRegistry,
  KeyRegistryOptions,
  Provisioned,
  RootKeyResult,
} from './registry.ts';
export { DEFAULT_PURPOSES, createKeyRegistry } from './registry.ts';
export type {
  CheckedTerminal,
  TerminalInput,
  TerminalInputProblem,
  TerminalInputReason,
} from './registry-input.ts';
export { ROOT_KEY_BYTES, checkTerminalInput, toTerminalId } from './registry-input.ts';
export { SecretKey } from './registry-secret.ts';
export type { KeysErrorCode } from './errors.ts';
export { KeysError } from './errors.ts';
export { wrapKey, unwrapKey, wrapKeyWithPadding, unwrapKeyWithPadding } from './key-wrap.ts';
export type { KekInfo, KeyStore, KeyStoreKind } from './key-store.ts';
export {
  createSoftwareKeyStore,
  softwareKekId,
  type SoftwareKek,
  type SoftwareKekBacking,
  type SoftwareKeyStoreOptions,
} from './software/software-key-store.ts';
export {
  MASTER_KEY_ENV,
  MASTER_KEY_FILE,
  MASTER_KEY_NEXT_FILE,
  MASTER_KEY_PREVIOUS_ENV,
  loadMasterKey,
  openSoftwareKeyStore,
  type MasterKey,
  type OpenedSoftwareKeyStore,
} from './software/master-key-file.ts';
export { openPkcs11KeyStore, type Pkcs11KeyStoreOptions } from './pkcs11/pkcs11-key-store.ts';
export type {
  ArchiveResult,
  AuditedRegistryStore,
  KeyChange,
  KeyRefusal,
  KeySelector,
  LifecycleContext,
  LifecycleOp,
  LifecycleResult,
} from './operations.ts';
export { OP_TARGET, applyLifecycleOp, archiveKeys, selectKeys } from './operations.ts';
export type { BackupDocument, BackupResult } from './backup.ts';
export {
  BACKUP_FORMAT,
  combineShares,
  createBackup,
  keyCheckValue,
  parseBackup,
  recoverBackup,
} from './backup.ts';
export type { ExportRequest, ExportResult } from './export.ts';
export { exportKey } from './export.ts';
