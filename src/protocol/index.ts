// Public entry of the protocol area: SGT1 frames, key hierarchy, replay window, DLMS verification, telemetry CBOR.
export type { ProtocolErrorCode } from './errors.ts';
export { ProtocolError } from './errors.ts';
export type { RejectReason, Rejection } from './reasons.ts';
export { REJECT_REASONS } from './reasons.ts';
export type { Sgt1Header, Sgt1HeaderInit, HeaderResult, Suite, Direction, Purpose, Ctype } from './header.ts';
export {
  HEADER_LENGTH,
  SGT1_VERSION,
  SUITE,
  DIR,
  PURPOSE,
  CTYPE,
  tagLength,
  parseHeader,
  encodeHeader,
} from './header.ts';
export { hkdf, hkdfExtract, hkdfExpand } from './hkdf.ts';
export type {
  KeyDirection,
  VersionKeyInput,
  UsageKeyInput,
  CachedKey,
  KeyCache,
  KeyCacheOptions,
} from './key-hierarchy.ts';
export {
  ROOT_KEY_LENGTH,
  versionKeyInfo,
  usageKeyInfo,
  deriveVersionKey,
  deriveUsageKey,
  deriveFrameKey,
  keyId,
  createKeyCache,
} from './key-hierarchy.ts';
export type { KeyState, KeyStatus, KeyUsable } from './key-state.ts';
export { checkKeyUsable } from './key-state.ts';
export type { ReplayState, ReplayStore, ReplayStateJson, CounterCheck } from './replay-window.ts';
export {
  SGT1_WINDOW,
  DLMS_WINDOW,
  EMPTY_REPLAY_STATE,
  checkCounter,
  commitCounter,
  acceptCounter,
  replayStateFromHighest,
  replayStateToJson,
  replayStateFromJson,
  replayStateToBytes,
  replayStateFromBytes,
} from './replay-window.ts';
export { frameNonce, openFrameAead, sealFrameAead } from './aead.ts';
export type { Telemetry, ProfileRow, TelemetryResult } from './telemetry.ts';
export { TELEMETRY_KEYS, encodeTelemetry, decodeTelemetry, telemetryProblem } from './telemetry.ts';
export type { TerminalKeys, KeyQuery, VerifyContext, VerifiedFrame, VerifyResult } from './context.ts';
export type {
  ParsedFrame,
  ResolvedTerminal,
  ResolvedKey,
  ReplayCheck,
  Opened,
  DecodedPayload,
  SealKey,
  SealOptions,
} from './frame.ts';
export {
  DEFAULT_MAX_FRAME_BYTES,
  parseFrame,
  resolveTerminal,
  resolveKey,
  resolveKeyOf,
  replayId,
  checkReplay,
  openFrame,
  commitReplay,
  decodeFramePayload,
  verifyFrame,
  sealFrame,
} from './frame.ts';
export type { AxdrLength } from './axdr.ts';
export { readAxdrLength, encodeAxdrLength } from './axdr.ts';
export type { DlmsKeySet, SecurityControl, DlmsFrame, DlmsFrameResult } from './dlms-apdu.ts';
export {
  GENERAL_GLO_CIPHERING,
  GENERAL_DED_CIPHERING,
  parseSecurityControl,
  parseDlmsFrame,
} from './dlms-apdu.ts';
export type { DlmsKeys, DlmsCryptoInput } from './dlms-crypto.ts';
export { DLMS_TAG_LENGTH, dlmsIv, dlmsGmac } from './dlms-crypto.ts';
export type { DlmsVerifyOptions, VerifiedDlms, DlmsVerifyResult, DlmsSealOptions } from './dlms.ts';
export { DEFAULT_MAX_APDU_BYTES, dlmsCounterId, verifyDlms, sealDlms } from './dlms.ts';
export { deriveDlmsKeys } from './tunnel.ts';
export type { MemoryVerifyContextOptions, MemoryVerifyContext } from './memory-context.ts';
export { createMemoryVerifyContext } from './memory-context.ts';
