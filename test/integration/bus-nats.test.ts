// The NATS JetStream bus passes the bus conformance suite against the machine's real nats-server, and
// keeps its guarantees across two processes' connections (one stream per case, deleted afterwards).
import { jetstreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { BUS_CONFORMANCE, openNatsBus, type NatsBus } from '../../src/bus/index.ts';

const SERVERS = process.env.GRIDTRUST_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const RUN = `gt${process.pid}x${Date.now().toString(36)}`;
const streams: string[] = [];
let n = 0;
const fresh = async (name = `${RUN}_${n++}`): Promise<NatsBus> => {
  streams.push(name);
  return openNatsBus({ servers: SERVERS, stream: name, prefix: name, maxAgeMs: 600_000 });
};

afterAll(async () => {
  const nc = await connect({ servers: SERVERS });
  const jsm = await jetstreamManager(nc);
  for (const s of new Set(streams)) await jsm.streams.delete(s).catch(() => undefined);
  await nc.close();
});

describe('NATS JetStream bus', () => {
  it.each(BUS_CONFORMANCE.map((c) => [c.name, c] as const))('%s', async (_n, c) => {
    const bus = await fresh();
    try {
      await c.run(bus);
    } finally {
      await bus.close();
    }
  });

  it('delivers across connections in order, with one per-subject sequence for two publishers', async () => {
    const name = `${RUN}_x`;
    const [a, b, consumer] = [await fresh(name), await fresh(name), await fresh(name)];
    const got: string[] = [];
    consumer.subscribe<string>('evidence.>', (m) => void got.push(`${m.body}:${m.seq}`));
    await consumer.ready();
    for (let i = 0; i < 10; i++) await (i % 2 === 0 ? a : b).publish('evidence.p1', `m${i}`);
    await expect.poll(() => got.length, { timeout: 10_000 }).toBe(10);
    expect(got).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}:${i + 1}`));
    await Promise.all([a.close(), b.close(), consumer.close()]);
  });

  it('creates its stream idempotently: a second process opening it keeps the messages', async () => {
    const name = `${RUN}_idem`;
    const a = await fresh(name);
    await a.publish('readings.p.t', 1);
    await a.close();
    const b = await fresh(name);
    const got: number[] = [];
    b.subscribe<number>('readings.>', (m) => void got.push(m.seq));
    await b.ready();
    await b.publish('readings.p.t', 2);
    await b.settled();
    expect(got).toEqual([2]); // a new subscription starts at new messages; the subject's seq continues
    await b.close();
  });
});
