// Public entry of the keys area: key lifecycle (SP 800-57), the key registry and its store port, key wrap.
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
