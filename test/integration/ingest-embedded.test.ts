// End to end on the embedded platform: MQTT and CoAP frames stored after ack; attacks and bad input counted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import { connectMqttUplink, createCoapUplink, toUplinkTopic } from '../../src/transport/index.ts';
import {
  createTerminalAgent,
  createMemoryCounterPersistence,
  openFrameCounter,
} from '../../src/sim/index.ts';
import { coapLink, provisionTerminals } from '../../src/platform/index.ts';
import { createRandom } from '../../src/core/index.ts';
import { frameOf, makeTerminals, startTestPlatform } from './support/platform.ts';
import { request } from 'coap';

const terminals = makeTerminals(3);
const [a, b, c] = terminals as [(typeof terminals)[0], (typeof terminals)[0], (typeof terminals)[0]];
let env: Awaited<ReturnType<typeof startTestPlatform>>;

beforeAll(async () => {
  env = await startTestPlatform({ terminals });
});
afterAll(async () => {
  await env.platform.close();
});

function coapRaw(
  method: 'GET' | 'POST',
  pathname: string,
  body?: Buffer,
): Promise<{ code: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ hostname: '127.0.0.1', port: env.platform.coapPort, method, pathname });
    req.on('response', (res: { code: string; payload: Buffer }) =>
      resolve({ code: res.code, body: res.payload.toString() }),
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('embedded platform ingest', () => {
  it('stores an MQTT QoS 1 frame before the PUBACK and rejects its replay', async () => {
    const client = await connectMqttUplink({
      url: `mqtt://127.0.0.1:${env.platform.mqttPort}`,
      clientId: 'it-a',
    });
    expect(await client.send(a.id, frameOf(a, 1))).toEqual({ ok: true });
    expect(await env.store.countReadings(a.id)).toBe(1);
    expect(await client.send(a.id, frameOf(a, 1))).toEqual({ ok: true }); // acked, but not stored
    await client.close();
    await env.platform.pipeline.flush();
    expect(await env.store.countReadings(a.id)).toBe(1);
    expect(env.platform.pipeline.stats().rejected.REPLAY).toBe(1);
  });

  it('stores a CoAP frame with 2.04 and answers attacks with 4.xx and the reason', async () => {
    const coap = createCoapUplink({ host: '127.0.0.1', port: env.platform.coapPort });
    expect(await coap.send(frameOf(b, 1))).toMatchObject({ ok: true, code: '2.04' });
    expect(await coap.send(frameOf(b, 1))).toMatchObject({ ok: false, code: '4.01', reason: 'REPLAY' });
    const tampered = frameOf(b, 2);
    tampered[20]! ^= 0x40;
    expect(await coap.send(tampered)).toMatchObject({ ok: false, code: '4.01', reason: 'BAD_TAG' });
    expect(await coap.send(frameOf(b, 3, { version: 9 }))).toMatchObject({
      ok: false,
      reason: 'UNKNOWN_KEY',
    });
    coap.close();
    expect(await env.store.countReadings(b.id)).toBe(1);
  });

  it('rejects wrong CoAP methods/paths and wrong MQTT topics, and keeps serving', async () => {
    expect(await coapRaw('GET', '/t')).toEqual({ code: '4.05', body: 'BAD_METHOD' });
    expect(await coapRaw('POST', '/x', frameOf(c, 1))).toEqual({ code: '4.04', body: 'BAD_PATH' });
    const raw = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.platform.mqttPort}`, { protocolVersion: 4 });
    await raw.publishAsync('gt/v1/NOT-A-TITLE/up', frameOf(c, 1), { qos: 1 });
    await raw.publishAsync(toUplinkTopic(a.id), frameOf(c, 2), { qos: 1 }); // title mismatch
    await raw.publishAsync(toUplinkTopic(c.id), Buffer.from('garbage'), { qos: 1 });
    await raw.publishAsync(toUplinkTopic(c.id), Buffer.alloc(4000, 1), { qos: 1 }); // oversized
    await raw.publishAsync(toUplinkTopic(c.id), frameOf(c, 3), { qos: 1 });
    await raw.endAsync();
    const r = env.platform.pipeline.stats().rejected;
    expect(r).toMatchObject({
      BAD_METHOD: 1,
      BAD_PATH: 1,
      BAD_TOPIC: 1,
      TITLE_MISMATCH: 1,
      TRUNCATED: 1,
      OVERSIZE: 1,
    });
    expect(await env.store.countReadings(c.id)).toBe(1);
  });

  it('answers ackReq over CoAP with a downlink ack the terminal agent verifies', async () => {
    const coap = createCoapUplink({ host: '127.0.0.1', port: env.platform.coapPort });
    const agent = createTerminalAgent({
      systemTitle: c.title,
      rootKey: c.rootKey,
      tenant: 1,
      counter: await openFrameCounter(createMemoryCounterPersistence({ keyVersion: 1, fc: 100 }), 1),
      link: coapLink(coap),
      random: createRandom(1),
      sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    });
    const out = await agent.send({ t: Math.floor(Date.now() / 1000), voltage: 2310 }, { ackReq: true });
    expect(out).toMatchObject({ ok: true, attempts: 1 });
    expect(out.ok && out.ackedFc).toBe(out.fc);
    coap.close();
  });

  it('loads a terminal added while running on its first frame; the resend is accepted', async () => {
    const [late] = makeTerminals(1);
    await provisionTerminals(env.registry, [{ id: late!.id, rootKey: late!.rootKey, type: 'smart-meter' }]);
    const coap = createCoapUplink({ host: '127.0.0.1', port: env.platform.coapPort });
    expect(await coap.send(frameOf(late!, 1))).toMatchObject({ ok: false, reason: 'UNKNOWN_TERMINAL' });
    let out = await coap.send(frameOf(late!, 1));
    for (let i = 0; i < 20 && !out.ok; i++) {
      await new Promise((r) => setTimeout(r, 50));
      out = await coap.send(frameOf(late!, 1));
    }
    expect(out).toMatchObject({ ok: true, code: '2.04' });
    coap.close();
  });

  it('serves /health, /metrics and /readings over HTTP', async () => {
    const base = env.platform.httpUrl;
    expect(await (await fetch(`${base}/health`)).json()).toMatchObject({ status: 'ok', terminals: 4 });
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/gridtrust_frames_rejected_total\{reason="REPLAY"\} \d+/);
    // readings need a credential (auth is on by default)
    expect((await fetch(`${base}/readings?terminal=${a.id}`)).status).toBe(401);
    const { token } = env.platform.api.deps.auth.createToken({ name: 'it', role: 'viewer' });
    const headers = { authorization: `Bearer ${token}` };
    const body = (await (await fetch(`${base}/readings?terminal=${a.id}`, { headers })).json()) as {
      readings: unknown[];
    };
    expect(body.readings).toHaveLength(1);
    expect((await fetch(`${base}/readings?terminal=nope`, { headers })).status).toBe(400);
  });
});

describe('hostile clients', () => {
  it('drops a connection that speaks garbage, refuses uplink subscriptions, and keeps serving others', async () => {
    const { connect } = await import('node:net');
    const sock = connect(env.platform.mqttPort, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\xff\xff\xff\xff'));
    await closed;

    const spy = await mqtt.connectAsync(`mqtt://127.0.0.1:${env.platform.mqttPort}`, { protocolVersion: 4 });
    // Refused (SUBACK 0x80): uplinks are for the platform only.
    await expect(spy.subscribeAsync(toUplinkTopic(a.id), { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await spy.endAsync();

    const client = await connectMqttUplink({
      url: `mqtt://127.0.0.1:${env.platform.mqttPort}`,
      clientId: 'it-after',
    });
    expect(await client.send(a.id, frameOf(a, 50))).toEqual({ ok: true });
    await client.close();
  });
});

describe('downlink commands', () => {
  it('publishes a sealed ctype 0x03 command on gt/v1/<title>/down that only its terminal opens, once', async () => {
    const listener = await connectMqttUplink({
      url: `mqtt://127.0.0.1:${env.platform.mqttPort}`,
      clientId: 'it-down',
    });
    const got: Uint8Array[] = [];
    await listener.listenDownlink(c.id, (f) => got.push(f));
    expect(await env.platform.sendCommand(c.id, new Map([[1, 'read-register']]))).toBe(true);
    for (let i = 0; i < 50 && got.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    const agent = createTerminalAgent({
      systemTitle: c.title,
      rootKey: c.rootKey,
      tenant: 1,
      counter: await openFrameCounter(createMemoryCounterPersistence(), 1),
      link: { send: () => Promise.resolve({ kind: 'acked' }) },
      random: createRandom(2),
      sleep: () => Promise.resolve(),
    });
    const opened = agent.openDownlink(got[0]!);
    expect(opened).toMatchObject({ ok: true, ctype: 0x03 });
    expect(agent.openDownlink(got[0]!)).toEqual({ ok: false, reason: 'REPLAY' });
    const other = createTerminalAgent({
      systemTitle: c.title,
      rootKey: a.rootKey,
      tenant: 1,
      counter: await openFrameCounter(createMemoryCounterPersistence(), 1),
      link: { send: () => Promise.resolve({ kind: 'acked' }) },
      random: createRandom(3),
      sleep: () => Promise.resolve(),
    });
    expect(other.openDownlink(got[0]!)).toEqual({ ok: false, reason: 'BAD_TAG' });
    expect(await env.platform.sendCommand('0000000000000000' as never, 1)).toBe(false);
    await listener.close();
  });
});
