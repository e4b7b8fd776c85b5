// Crash safety: kill -9 `gridtrust serve` while many terminals publish QoS 1 frames, restart it on the same
// data dir, and check that every frame whose PUBACK a publisher saw is stored, and nothing twice.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import mqtt, { type MqttClient } from 'mqtt';
import { createSystemClock } from '../../src/cli/system-clock.ts';
import { createPlatformRegistry, provisionTerminals } from '../../src/platform/index.ts';
import { openSoftwareKeyStore } from '../../src/keys/index.ts';
import { openDataDir } from '../../src/storage/index.ts';
import { toUplinkTopic } from '../../src/transport/index.ts';
import { frameOf, makeTerminals, type TestTerminal } from './support/platform.ts';

const TERMINALS = 24;
const FRAMES = 400; // per terminal: more than a run can send before the kill
const dataDir = mkdtempSync(join(tmpdir(), 'gt-crash-'));
const terminals = makeTerminals(TERMINALS);
const children: ChildProcess[] = [];

async function startServe(tag: string): Promise<{ child: ChildProcess; mqttPort: number }> {
  const ready = join(dataDir, `ready-${tag}.json`);
  const child = spawn(
    process.execPath,
    [
      'bin/gridtrust.mjs',
      'serve',
      '--data-dir',
      dataDir,
      '--mqtt-port',
      '0',
      '--coap-port',
      '0',
      '--http-port',
      '0',
      '--ready-file',
      ready,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  children.push(child);
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const end = Date.now() + 60_000;
  while (!existsSync(ready)) {
    if (Date.now() > end || child.exitCode !== null) throw new Error(`serve did not start: ${stderr}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, mqttPort: (JSON.parse(readFileSync(ready, 'utf8')) as { mqttPort: number }).mqttPort };
}

/** Publishes frames 1..FRAMES of a terminal with up to 16 in flight; records sent and acked counters. */
function publishAll(
  client: MqttClient,
  t: TestTerminal,
  seen: { sent: Set<string>; acked: Set<string> },
  stop: { now: boolean },
): Promise<void> {
  const acked = seen.acked;
  let next = 1;
  let inflight = 0;
  return new Promise((resolve) => {
    const pump = (): void => {
      while (inflight < 16 && next <= FRAMES && !stop.now) {
        const fc = next++;
        inflight++;
        seen.sent.add(`${t.id}#${fc}`);
        client.publish(toUplinkTopic(t.id), frameOf(t, fc), { qos: 1 }, (err) => {
          inflight--;
          if (!err) acked.add(`${t.id}#${fc}`);
          if ((next > FRAMES || stop.now) && inflight === 0) resolve();
          else pump();
        });
      }
      if (stop.now && inflight === 0) resolve();
    };
    pump();
    client.on('close', () => resolve());
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((r) => child.once('exit', () => r()));
}

afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
});

describe('kill -9 during ingestion', () => {
  it('loses no acknowledged frame and stores none twice', async () => {
    const dd = await openDataDir({ dir: dataDir, env: {} });
    const { keyStore } = openSoftwareKeyStore({ dataDir, env: {} });
    const registry = createPlatformRegistry({
      store: dd.store,
      keyStore,
      clock: createSystemClock(),
      actor: 'test',
    });
    await provisionTerminals(
      registry,
      terminals.map((t) => ({ id: t.id, rootKey: t.rootKey, type: 'smart-meter' })),
    );
    await dd.store.close();

    const first = await startServe('1');
    const acked = new Set<string>();
    const stop = { now: false };
    const clients = await Promise.all(
      terminals.map((t) =>
        mqtt.connectAsync(`mqtt://127.0.0.1:${first.mqttPort}`, {
          clientId: `crash-${t.id}`,
          reconnectPeriod: 0,
        }),
      ),
    );
    const sent = new Set<string>();
    const runs = terminals.map((t, i) => publishAll(clients[i]!, t, { sent, acked }, stop));
    while (acked.size < 500) await new Promise((r) => setTimeout(r, 20));
    first.child.kill('SIGKILL'); // mid-stream: frames are in flight on every connection
    stop.now = true;
    await Promise.race([Promise.all(runs), new Promise((r) => setTimeout(r, 5000))]);
    for (const c of clients) c.end(true);
    await exited(first.child);
    const ackedBeforeKill = new Set(acked);

    // Restart on the same data dir; like a QoS 1 session, publishers resend only what was not acked.
    const second = await startServe('2');
    const again = await mqtt.connectAsync(`mqtt://127.0.0.1:${second.mqttPort}`, {
      clientId: 'crash-resend',
    });
    const byId = new Map(terminals.map((t) => [t.id as string, t]));
    for (const key of sent) {
      if (ackedBeforeKill.has(key)) continue;
      const [id, fc] = key.split('#');
      await again.publishAsync(toUplinkTopic(id!), frameOf(byId.get(id!)!, Number(fc)), { qos: 1 });
    }
    await again.endAsync();
    second.child.kill('SIGTERM');
    await exited(second.child);

    const check = await openDataDir({ dir: dataDir, env: {} });
    let stored = 0;
    for (const t of terminals) {
      const rows = await check.store.queryReadings({ terminal: t.id, limit: 100_000 });
      const fcs = rows.map((r) => r.fc);
      expect(new Set(fcs).size).toBe(fcs.length); // nothing stored twice
      for (const key of ackedBeforeKill) {
        const [id, fc] = key.split('#');
        if (id === t.id) expect(fcs).toContain(Number(fc)); // every PUBACK'd frame survived the kill
      }
      stored += fcs.length;
    }
    await check.store.close();
    expect(ackedBeforeKill.size).toBeGreaterThanOrEqual(500);
    expect(stored).toBe(sent.size); // the unacked ones arrived on the resend, each exactly once
  });
});
