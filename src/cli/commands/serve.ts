// `gridtrust serve`: the embedded preset (SQLite, aedes MQTT, CoAP, HTTP) until SIGINT/SIGTERM.
import { join, resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { API_STATE_FILE, openSqliteApiState } from '../../api/index.ts';
import {
  configFromEnv,
  createPlatformRegistry,
  openConfiguredKeyStore,
  readConfigFile,
  resolveTls,
  resolvePlatformConfig,
  rootKeysFromRegistry,
  startEmbeddedPlatform,
  type PlatformConfig,
} from '../../platform/index.ts';
import { openDataDir } from '../../storage/index.ts';
import type { RegisterCommand } from '../command.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { claimReadyFile, removeReadyFile, writeReadyFile } from '../ready-file.ts';
import { printJson, type CliIo } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import { conceptOption } from '../vocabulary.ts';

interface ServeFlags {
  config?: string;
  dataDir?: string;
  host?: string;
  mqttPort?: string;
  coapPort?: string;
  httpPort?: string;
  externalMqtt?: string;
  readyFile?: string;
  json?: boolean;
}

const DETAILS = `Configuration, lowest precedence first: defaults, --config FILE (one JSON object), GRIDTRUST_*
environment variables (GRIDTRUST_DATA_DIR, GRIDTRUST_MQTT_PORT, GRIDTRUST_COAP_PORT,
GRIDTRUST_HTTP_PORT, GRIDTRUST_HOST, GRIDTRUST_EXTERNAL_MQTT_URL, GRIDTRUST_KEY_STORE,
GRIDTRUST_PKCS11_MODULE, GRIDTRUST_PKCS11_TOKEN, GRIDTRUST_PKCS11_PIN_FILE, ...), then flags. Every problem is
reported at once before anything starts. Port 0 picks a free port; --ready-file receives
{ mqttPort, coapPort, httpPort, tenant, pid } once everything listens, and is removed at shutdown; a
ready file left by a process that is gone is removed at start, one of a running process is refused. SIGINT/SIGTERM stop the listeners,
flush the pending batch and close the store. See docs/operator-guide.md.

API and dashboard on the HTTP port, authentication always on (users: gridtrust users add; scripts:
gridtrust tokens create). A non-loopback --host needs TLS: httpTlsCert + httpTlsKey, or
GRIDTRUST_HTTP_TLS=self-signed (a pair generated into the data dir, fingerprint printed).

Online trust: every cycleMs (GRIDTRUST_CYCLE_MS, default 60000) the trust engine scores the behaviour
evidence ingestion accounted; flagged terminals are quarantined (frames refused: QUARANTINED), with the
decision and its evidence in the audit log. Lift it with \`gridtrust terminals reinstate\`.`;

const toNum = (v: string | undefined): unknown =>
  v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v;

/** Merges file, environment and flags into a validated, frozen config. */
export function serveConfig(io: CliIo, f: ServeFlags): PlatformConfig {
  const file = f.config === undefined ? {} : readConfigFile(f.config);
  const flags = {
    dataDir: f.dataDir,
    host: f.host,
    mqttPort: toNum(f.mqttPort),
    coapPort: toNum(f.coapPort),
    httpPort: toNum(f.httpPort),
    externalMqttUrl: f.externalMqtt,
    readyFile: f.readyFile,
  };
  return resolvePlatformConfig({ file, env: configFromEnv(io.env), flags });
}

function untilSignal(): Promise<string> {
  return new Promise((res) => {
    const on = (sig: string) => () => res(sig);
    process.once('SIGINT', on('SIGINT'));
    process.once('SIGTERM', on('SIGTERM'));
  });
}

async function serve(io: CliIo, f: ServeFlags): Promise<void> {
  const config = serveConfig(io, f);
  if (config.readyFile !== undefined) claimReadyFile(config.readyFile, (l) => io.err(`note: ${l}\n`));
  const clock = createSystemClock();
  const ks = await openConfiguredKeyStore({
    config: { ...config, dataDir: resolve(config.dataDir) },
    env: io.env,
  });
  if (ks.notice !== undefined) io.err(`${ks.notice}\n`);
  const dd = await openDataDir({ dir: resolve(config.dataDir), env: io.env }).catch(async (e: unknown) => {
    await ks.keyStore.close();
    throw e;
  });
  const registry = createPlatformRegistry({
    store: dd.store,
    keyStore: ks.keyStore,
    clock,
    actor: 'serve',
  });
  const log = (l: string) => io.err(`${l}\n`);
  const state = openSqliteApiState({ path: join(dd.dir, API_STATE_FILE) });
  const platform = await Promise.resolve()
    .then(() => resolveTls(config, dd.dir, log))
    .then((tls) => {
      if (tls !== undefined) log(`TLS certificate SHA-256 fingerprint ${tls.fingerprint256}`);
      return startEmbeddedPlatform({
        config,
        store: dd.store,
        rootKeyOf: rootKeysFromRegistry(registry),
        clock,
        log,
        api: { state, protectMetrics: config.metricsAuth === true, ...(tls ? { tls } : {}) },
      });
    })
    .catch(async (e: unknown) => {
      state.close();
      await dd.store.close(); // release the database (and its read worker) so the process can exit
      await ks.keyStore.close();
      throw e;
    });
  if (!platform.api.deps.auth.hasUsers())
    io.err(
      `no users yet — create the first admin, then sign in at ${platform.httpUrl}:\n  gridtrust users add --data-dir ${dd.dir} --username admin --role admin --password-file FILE\n`,
    );
  const ready = {
    mqttPort: platform.mqttPort,
    coapPort: platform.coapPort,
    httpPort: platform.httpPort,
    tenant: config.tenant,
  };
  if (config.readyFile !== undefined) writeReadyFile(config.readyFile, ready);
  const removeReady = (): void => {
    if (config.readyFile !== undefined) removeReadyFile(config.readyFile);
  };
  process.once('exit', removeReady); // also on a crash after this point
  io.err(
    `gridtrust serving: mqtt://${config.host}:${ready.mqttPort}  coap://${config.host}:${ready.coapPort}  ${platform.httpUrl}  (data: ${dd.dir})\n`,
  );
  if (f.json === true) printJson(io, { ...ready, httpUrl: platform.httpUrl, dataDir: dd.dir });
  const sig = await untilSignal();
  io.err(`${sig}: stopping listeners, flushing, closing the store\n`);
  removeReady(); // first: a restart script must not read ports that are about to close
  await platform.close();
  await ks.keyStore.close();
}

export const registerServe: RegisterCommand = (program: Command, ctx) => {
  describe(program.command('serve'), {
    purpose: 'run the embedded platform: MQTT broker, CoAP listener, HTTP API over a SQLite data dir',
    details: DETAILS,
    examples: [
      'gridtrust serve --data-dir ./data --mqtt-port 0 --coap-port 0 --http-port 0 --ready-file ready.json',
      'GRIDTRUST_MQTT_PORT=1884 gridtrust serve',
    ],
    exitCodes: {
      0: 'stopped by SIGINT or SIGTERM after flushing and closing the store',
      2: 'bad configuration (every problem listed), a port in use (with its cause), or a stale ready file',
    },
    docs: ['docs/operator-guide.md'],
  })
    .option('--config <file>', 'JSON configuration file')
    .addOption(conceptOption('dataDir'))
    .addOption(withDerivedDefault(new Option('--host <addr>', 'address to listen on'), '127.0.0.1'))
    .addOption(withDerivedDefault(new Option('--mqtt-port <port>', 'MQTT port, 0 = a free port'), '1883'))
    .addOption(withDerivedDefault(new Option('--coap-port <port>', 'CoAP/UDP port, 0 = a free port'), '5683'))
    .addOption(withDerivedDefault(new Option('--http-port <port>', 'HTTP port, 0 = a free port'), '8080'))
    .option('--external-mqtt <url>', 'also consume uplinks from an external broker (mqtt://host:port)')
    .option(
      '--ready-file <file>',
      'write { mqttPort, coapPort, httpPort, tenant, pid } here once listening (removed at shutdown)',
    )
    .addOption(conceptOption('json', { detail: 'the listening ports, once listening' }))
    .action((f: ServeFlags) => serve(ctx.io, f));
};
