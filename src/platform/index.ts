// Public entry of the platform area: configuration and the embedded preset's composition root.
export {
  PlatformConfigSchema,
  PLATFORM_DEFAULTS,
  ENV_PREFIX,
  configFromEnv,
  readProcessEnv,
  resolvePlatformConfig,
} from './config.ts';
export type { PlatformConfig, ConfigLayers } from './config.ts';
export { readConfigFile } from './config-file.ts';
export { PlatformError } from './errors.ts';
export type { PlatformErrorCode } from './errors.ts';
export { createTerminalCache, DEACTIVATION_GRACE_MS } from './terminal-cache.ts';
export type { TerminalCache, RootKeyProvider } from './terminal-cache.ts';
export { startEmbeddedPlatform } from './embedded.ts';
export type { EmbeddedPlatform, EmbeddedPlatformOptions } from './embedded.ts';
export { provisionTerminals, rootKeysFromRegistry, createPlatformRegistry } from './provision.ts';
export type { TerminalToProvision } from './provision.ts';
export { mqttLink, coapLink } from './links.ts';
export { createFleetSenders } from './fleet-senders.ts';
export type { FleetSenders, FleetSenderOptions, AttackUpload } from './fleet-senders.ts';
export { runDemo } from './demo/run-demo.ts';
export type { DemoOptions, DemoSummary } from './demo/run-demo.ts';
export { scoreDetection } from './demo/detection.ts';
export type { Flagged, Detection } from './demo/detection.ts';
export { syntheticLoadShapes } from './demo/synthetic-load.ts';
export { openConfiguredKeyStore, PKCS11_PIN_ENV } from './key-store.ts';
export type { KeyStoreConfig, OpenedKeyStore } from './key-store.ts';
export { publishEvidence, startTrustService } from './trust-service.ts';
export type { TrustMonitor, TrustService, TrustServiceOptions } from './trust-service.ts';
export { resolveTls } from './tls.ts';
export type { TlsPair } from './tls.ts';
export { createPlatformApi, DEFAULT_WEB_DIR } from './api-wiring.ts';
export type { PlatformApi } from './api-wiring.ts';
