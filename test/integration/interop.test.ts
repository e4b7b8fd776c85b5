// Interoperability with third-party clients: mosquitto_pub (MQTT 3.1.1), coap-client-openssl (libcoap),
// and the real Mosquitto broker on 127.0.0.1:1883 as external broker (gateway over MQTT 5 and 3.1.1).
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { toUplinkTopic } from '../../src/transport/index.ts';
import { frameOf, makeTerminals, startTestPlatform } from './support/platform.ts';

const run = promisify(execFile);
const terminals = makeTerminals(4);
const [m, c, g5, g4] = terminals as [
  (typeof terminals)[0],
  (typeof terminals)[0],
  (typeof terminals)[0],
  (typeof terminals)[0],
];
let env: Awaited<ReturnType<typeof startTestPlatform>>;

async function waitFor(check: () => Promise<boolean>, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('third-party clients against the embedded platform', () => {
  beforeAll(async () => {
    env = await startTestPlatform({ terminals });
  });
  afterAll(() => env.platform.close());

  it('stores a frame published with mosquitto_pub -V mqttv311 -q 1 and rejects its replay', async () => {
    const file = join(env.dataDir, 'm.frame');
    writeFileSync(file, frameOf(m, 1));
    const args = [
      '-h',
      '127.0.0.1',
      '-p',
      String(env.platform.mqttPort),
      '-V',
      'mqttv311',
      '-q',
      '1',
      '-t',
      toUplinkTopic(m.id),
      '-f',
      file,
    ];
    await run('mosquitto_pub', args);
    expect(await env.store.countReadings(m.id)).toBe(1); // PUBACK came after the commit
    await run('mosquitto_pub', args);
    await env.platform.pipeline.flush();
    expect(await env.store.countReadings(m.id)).toBe(1);
    expect(env.platform.pipeline.stats().rejected.REPLAY).toBe(1);
  });

  it('stores a frame posted with coap-client-openssl and answers its replay with 4.01 REPLAY', async () => {
    const file = join(env.dataDir, 'c.frame');
    writeFileSync(file, frameOf(c, 1));
    const url = `coap://127.0.0.1:${env.platform.coapPort}/t`;
    await run('coap-client-openssl', ['-m', 'post', url, '-f', file, '-B', '5']);
    expect(await env.store.countReadings(c.id)).toBe(1);
    const second = await run('coap-client-openssl', ['-m', 'post', url, '-f', file, '-B', '5']).catch(
      (e: { stdout: string; stderr: string }) => e,
    );
    expect(`${second.stdout}${second.stderr}`).toContain('REPLAY');
    expect(await env.store.countReadings(c.id)).toBe(1);
    expect(env.platform.pipeline.stats().rejected.REPLAY).toBe(2);
  });
});

describe.each([5, 4] as const)(
  'external Mosquitto broker on 1883 through the gateway (MQTT %i)',
  (version) => {
    let ext: Awaited<ReturnType<typeof startTestPlatform>>;
    const t = version === 5 ? g5 : g4;
    beforeAll(async () => {
      ext = await startTestPlatform({
        terminals,
        flags: {
          externalMqttUrl: 'mqtt://127.0.0.1:1883',
          gatewayClientId: `gt-it-gw-${randomBytes(4).toString('hex')}`,
          gatewayProtocol: version,
          // A private share group and a clean session: other gateways on this Mosquitto are not ours.
          gatewayShareGroup: `it${randomBytes(4).toString('hex')}`,
          gatewaySessionExpirySeconds: 0,
        },
      });
    });
    afterAll(() => ext.platform.close());

    it('stores a frame published to Mosquitto exactly once', async () => {
      const pub = await mqtt.connectAsync('mqtt://127.0.0.1:1883', { protocolVersion: version });
      await pub.publishAsync(toUplinkTopic(t.id), frameOf(t, 1), { qos: 1 });
      await waitFor(async () => (await ext.store.countReadings(t.id)) === 1);
      await pub.publishAsync(toUplinkTopic(t.id), frameOf(t, 1), { qos: 1 });
      await waitFor(() => Promise.resolve((ext.platform.pipeline.stats().rejected.REPLAY ?? 0) >= 1));
      await pub.endAsync();
      expect(await ext.store.countReadings(t.id)).toBe(1);
    });
  },
);
