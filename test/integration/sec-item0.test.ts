// Issue #16 item 0: the remote crash, the starvation, the poison frame and silent loss — each as a regression test.
import { createSocket, type Socket } from 'node:dgram';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import mqtt from 'mqtt';
import { generate, parse } from 'coap-packet';
import {
  createTransportCounters,
  startCoapServer,
  toDownlinkTopic,
  toUplinkTopic,
  type FrameOutcome,
} from '../../src/transport/index.ts';
import {
  createMemoryCounterPersistence,
  createTerminalAgent,
  openFrameCounter,
} from '../../src/sim/index.ts';
import { createRandom } from '../../src/core/index.ts';
import { frameOf, makeTerminals, startTestPlatform } from './support/platform.ts';

const udp = async (): Promise<Socket> => {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return s;
};
const post = (messageId: number, payload: Buffer, options: { name: string; value: Buffer }[] = []) =>
  generate({
    confirmable: true,
    code: '0.02',
    messageId,
    token: Buffer.from([messageId & 0xff, 1]),
    options: [{ name: 'Uri-Path', value: Buffer.from('t') }, ...options],
    payload,
  });

describe('CoAP listener (item 0)', () => {
  it('survives a separate response the client never acknowledges (node-coap RetrySendError is counted)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const counters = createTransportCounters('coap');
    let answer: ((o: FrameOutcome) => void) | undefined;
    const sink = {
      handleFrame: () => new Promise<FrameOutcome>((r) => (answer = r)),
      recordRejection: () => undefined,
    };
    const server = await startCoapServer({ sink, counters });
    const client = await udp();
    const got: Buffer[] = [];
    client.on('message', (m) => got.push(m)); // never acknowledges anything
    try {
      client.send(post(1, Buffer.from('frame')), server.port, '127.0.0.1');
      for (let i = 0; i < 200 && answer === undefined; i++) await new Promise((r) => setImmediate(r));
      expect(answer).toBeDefined();
      await vi.advanceTimersByTimeAsync(600); // the piggyback window passes: empty ACK, then a CON answer
      answer!({ ok: true });
      await vi.advanceTimersByTimeAsync(300_000); // retransmissions, then RetrySendError on the response
      expect(counters.get('response_error')).toBe(1);
      expect(got.length).toBeGreaterThanOrEqual(2);
    } finally {
      vi.useRealTimers();
      client.close();
      await server.close();
    }
  });

  it('drops a Block1 number of 2^20-1 before node-coap allocates for it, and keeps serving', async () => {
    const counters = createTransportCounters('coap');
    const sink = {
      handleFrame: () => Promise.resolve<FrameOutcome>({ ok: false, reason: 'BAD_TAG' }),
      recordRejection: () => undefined,
    };
    const server = await startCoapServer({ sink, counters });
    const client = await udp();
    const answers: Buffer[] = [];
    client.on('message', (m) => answers.push(m));
    try {
      const block = Buffer.from([0xff, 0xff, 0xfe]); // NUM 2^20-1, M 1, SZX 6 (1024 bytes)
      for (let i = 0; i < 20; i++) {
        client.send(
          post(10 + i, Buffer.alloc(1024, 7), [{ name: 'Block1', value: block }]),
          server.port,
          '127.0.0.1',
        );
      }
      client.send(post(99, Buffer.from('frame')), server.port, '127.0.0.1');
      for (let i = 0; i < 200 && answers.length === 0; i++) await new Promise((r) => setTimeout(r, 5));
      expect(answers.map((a) => parse(a).code)).toEqual(['4.01']);
      expect(counters.get('dropped_block_limit')).toBe(20);
    } finally {
      client.close();
      await server.close();
    }
  });
});

describe('embedded platform (item 0)', () => {
  const terminals = makeTerminals(2);
  const [q, h] = terminals as [(typeof terminals)[0], (typeof terminals)[0]];
  let env: Awaited<ReturnType<typeof startTestPlatform>>;
  beforeAll(async () => {
    env = await startTestPlatform({ terminals });
  });
  afterAll(async () => {
    await env.platform.close();
  });

  it('does not PUBACK a QUARANTINED frame: the refusal arrives on the downlink, then the connection closes', async () => {
    const change = {
      id: q.id,
      status: 'quarantined' as const,
      at: Date.now(),
      actor: 'test',
      reason: 'test',
    };
    expect(await env.store.setTerminalStatus(change as never)).toBe(true);
    await env.platform.cache.refresh(q.id);
    const url = `mqtt://127.0.0.1:${env.platform.mqttPort}`;
    const c = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0, clientId: 'it-q' });
    const down: Buffer[] = [];
    c.on('message', (_t, m) => down.push(m));
    await c.subscribeAsync(toDownlinkTopic(q.id), { qos: 1 });
    const closed = new Promise<void>((r) => c.once('close', () => r()));
    let acked = false;
    c.publish(toUplinkTopic(q.id), frameOf(q, 1), { qos: 1 }, (e) => (acked = e === undefined || e === null));
    await closed;
    expect(acked).toBe(false);
    expect(await env.store.countReadings(q.id)).toBe(0);
    expect(down).toHaveLength(1);
    const agent = createTerminalAgent({
      systemTitle: q.title,
      rootKey: q.rootKey,
      tenant: 1,
      counter: await openFrameCounter(createMemoryCounterPersistence(), 1),
      link: { send: () => Promise.resolve({ kind: 'acked' }) },
      random: createRandom(1),
      sleep: () => Promise.resolve(),
    });
    expect(agent.openDownlink(down[0]!)).toMatchObject({ ok: true, ctype: 0x04 });
    c.end(true);
  });

  it('refuses a poison reading as BAD_PAYLOAD while the honest frame in the same commit is stored', async () => {
    const { sealFrame } = await import('../../src/protocol/index.ts');
    const poison = sealFrame({
      header: {
        dir: 0,
        ackReq: false,
        more: false,
        suite: 0x01,
        systemTitle: h.title,
        purpose: 1,
        keyVersion: 1,
        fc: 5,
        ctype: 0x01,
      },
      key: { rootKey: h.rootKey, tenant: 1 },
      telemetry: { t: Math.floor(Number.MAX_SAFE_INTEGER / 1000) + 1 },
    });
    const out = await Promise.all([
      env.platform.pipeline.handleFrame(poison, { transport: 'mqtt', topicTitle: h.id }),
      env.platform.pipeline.handleFrame(frameOf(h, 6), { transport: 'mqtt', topicTitle: h.id }),
    ]);
    expect(out).toEqual([{ ok: false, reason: 'BAD_PAYLOAD' }, { ok: true }]);
    expect(await env.store.countReadings(h.id)).toBe(1);
  });

  it('counts a flood of oversize publishes, drops the flooding connection, and an honest publish goes through', async () => {
    const url = `mqtt://127.0.0.1:${env.platform.mqttPort}`;
    const flood = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
    flood.on('error', () => undefined);
    const closed = new Promise<void>((r) => flood.once('close', () => r()));
    const before = env.platform.pipeline.stats().rejected.OVERSIZE ?? 0;
    const big = Buffer.alloc(2000, 1);
    for (let i = 0; i < 5000; i++) flood.publish(toUplinkTopic(h.id), big, { qos: 1 });
    await closed; // over its budget of refused publishes
    const honest = await mqtt.connectAsync(url, { protocolVersion: 4, reconnectPeriod: 0 });
    const t0 = performance.now();
    await honest.publishAsync(toUplinkTopic(h.id), frameOf(h, 7), { qos: 1 });
    expect(performance.now() - t0).toBeLessThan(2000);
    const counted = (env.platform.pipeline.stats().rejected.OVERSIZE ?? 0) - before;
    expect(counted).toBeGreaterThanOrEqual(500);
    expect(counted).toBeLessThan(5000);
    const metrics = await (await fetch(`${env.platform.httpUrl}/metrics`)).text();
    expect(metrics).toMatch(/gridtrust_transport_events_total\{transport="mqtt",event="dropped_abusive"\} 1/);
    flood.end(true);
    await honest.endAsync();
  });
});
