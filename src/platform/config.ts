// Platform configuration: defaults < config file < GRIDTRUST_* environment < flags; validated at once, frozen.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { PlatformError } from './errors.ts';

const Port = Type.Integer({ minimum: 0, maximum: 65535 });

/** The schema of the embedded preset's configuration (every field documented in docs/operator-guide.md). */
export const PlatformConfigSchema = Type.Object(
  {
    dataDir: Type.String({ minLength: 1 }),
    host: Type.String({ minLength: 1 }),
    mqttPort: Port,
    coapPort: Port,
    httpPort: Port,
    tenant: Type.Integer({ minimum: 0, maximum: 0xffffffff }),
    /** Optional external broker (cluster preset / gateway mode), e.g. mqtt://127.0.0.1:1883. */
    externalMqttUrl: Type.Optional(Type.String({ pattern: '^mqtts?://' })),
    /** Persistent-session client id of the external-broker gateway (unique per gateway process). */
    gatewayClientId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** MQTT protocol version towards the external broker: 4 (3.1.1) or 5 (shared subscription). */
    gatewayProtocol: Type.Optional(Type.Union([Type.Literal(4), Type.Literal(5)])),
    /** MQTT 5 shared-subscription group of this platform's gateways. */
    gatewayShareGroup: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$' })),
    /** Seconds the external broker keeps the gateway session; 0 = clean session. */
    gatewaySessionExpirySeconds: Type.Optional(Type.Integer({ minimum: 0, maximum: 604_800 })),
    maxFrameBytes: Type.Integer({ minimum: 33, maximum: 65536 }),
    batchMaxFrames: Type.Integer({ minimum: 1, maximum: 100_000 }),
    batchMaxDelayMs: Type.Integer({ minimum: 0, maximum: 10_000 }),
    cycleMs: Type.Integer({ minimum: 1000 }),
    /**
     * Where frames are verified: `writer` = inside the SQLite store's write thread, committed there
     * (ADR 0010; other stores fall back to `main`); `main` = on the main thread with the transports.
     */
    ingestThread: Type.Union([Type.Literal('writer'), Type.Literal('main')]),
    /** With `ingestThread: main`: AES-GCM opens on a worker thread (1) or on the main thread (0). */
    aeadWorkers: Type.Integer({ minimum: 0, maximum: 1 }),
    readyFile: Type.Optional(Type.String({ minLength: 1 })),
    /** Where the master KEK lives: `software` (master.key / GRIDTRUST_MASTER_KEY) or `pkcs11` (an HSM token). */
    keyStore: Type.Union([Type.Literal('software'), Type.Literal('pkcs11')]),
    /** With `keyStore: pkcs11`: the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so. */
    pkcs11Module: Type.Optional(Type.String({ minLength: 1 })),
    /** With `keyStore: pkcs11`: the token's label. */
    pkcs11Token: Type.Optional(Type.String({ minLength: 1, maxLength: 32 })),
    /** With `keyStore: pkcs11`: a file (mode 0600) holding the user PIN; else GRIDTRUST_PKCS11_PIN. */
    pkcs11PinFile: Type.Optional(Type.String({ minLength: 1 })),
    /** HTTPS for the API and dashboard: PEM certificate and key files (both or neither). */
    httpTlsCert: Type.Optional(Type.String({ minLength: 1 })),
    httpTlsKey: Type.Optional(Type.String({ minLength: 1 })),
    /** `self-signed`: generate a pair into the data dir on first run (owner-only), print its fingerprint. */
    httpTls: Type.Optional(Type.Union([Type.Literal('off'), Type.Literal('self-signed')])),
    /** Require a viewer token on /metrics. */
    metricsAuth: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** A validated, frozen configuration. */
export type PlatformConfig = Readonly<Static<typeof PlatformConfigSchema>>;

/** Defaults of every field (the data dir matches storage's DEFAULT_DATA_DIR). */
export const PLATFORM_DEFAULTS = Object.freeze({
  dataDir: '.gridtrust',
  host: '127.0.0.1',
  mqttPort: 1883,
  coapPort: 5683,
  httpPort: 8080,
  tenant: 1,
  maxFrameBytes: 1024,
  batchMaxFrames: 2048,
  batchMaxDelayMs: 2,
  cycleMs: 60_000,
  ingestThread: 'writer',
  aeadWorkers: 1,
  keyStore: 'software',
});

/** Environment variable per field: `GRIDTRUST_MQTT_PORT` → mqttPort, etc. */
export const ENV_PREFIX = 'GRIDTRUST_';

const NUMERIC = new Set([
  'gatewayProtocol',
  'gatewaySessionExpirySeconds',
  'mqttPort',
  'coapPort',
  'httpPort',
  'tenant',
  'maxFrameBytes',
  'batchMaxFrames',
  'batchMaxDelayMs',
  'cycleMs',
  'aeadWorkers',
]);

function envName(field: string): string {
  return ENV_PREFIX + field.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase();
}

/** Reads the `GRIDTRUST_*` variables that name a config field (unknown ones are ignored). */
export function configFromEnv(env: Readonly<Record<string, string | undefined>>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of Object.keys(PlatformConfigSchema.properties)) {
    const v = env[envName(field)];
    if (v === undefined || v === '') continue;
    if (field === 'metricsAuth' && (v === 'true' || v === 'false')) out[field] = v === 'true';
    else out[field] = NUMERIC.has(field) && /^-?\d+$/.test(v.trim()) ? Number(v) : v;
  }
  return out;
}

/** The layers merged in increasing precedence. */
export interface ConfigLayers {
  file?: Record<string, unknown>;
  env?: Record<string, unknown>;
  flags?: Record<string, unknown>;
}

/**
 * Merges the layers over the defaults, validates the result against the schema and reports every
 * problem at once in one PlatformError (`GT_ERR_PLATFORM_CONFIG`), then freezes it.
 */
export function resolvePlatformConfig(layers: ConfigLayers): PlatformConfig {
  const merged: Record<string, unknown> = { ...PLATFORM_DEFAULTS };
  for (const layer of [layers.file, layers.env, layers.flags]) {
    for (const [k, v] of Object.entries(layer ?? {})) if (v !== undefined) merged[k] = v;
  }
  const problems = [...Value.Errors(PlatformConfigSchema, merged)].map(
    (e) => `${e.path === '' ? '(root)' : e.path.slice(1)}: ${e.message}`,
  );
  problems.push(...keyStoreProblems(merged));
  if (problems.length > 0) {
    throw new PlatformError(
      'GT_ERR_PLATFORM_CONFIG',
      `invalid configuration:\n  ${[...new Set(problems)].join('\n  ')}`,
      {
        hint: 'fix the listed fields in the config file, GRIDTRUST_* variables or flags (docs/operator-guide.md)',
      },
    );
  }
  return Object.freeze(merged as Static<typeof PlatformConfigSchema>);
}

/** Fields `keyStore: pkcs11` needs (the PIN itself is never a config value: pkcs11PinFile or GRIDTRUST_PKCS11_PIN). */
function keyStoreProblems(c: Record<string, unknown>): string[] {
  if (c.keyStore !== 'pkcs11') return [];
  const need = ['pkcs11Module', 'pkcs11Token'].filter((f) => c[f] === undefined);
  return need.map((f) => `${f}: required with keyStore pkcs11 (or ${envName(f)})`);
}

/**
 * The process environment: the one place gridtrust reads `process.env` (a lint rule keeps it so).
 * Commands get it through their `CliIo`; the presets through {@link configFromEnv}.
 */
export function readProcessEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
