// Embedded broker read-ahead: uplinks waiting for their commit do not stall their connection's next ones.
// The client is a raw TCP socket, so which PUBLISH packets share a read chunk is under the test's control.
import { afterEach, describe, expect, it } from 'vitest';
import { connect, type Socket } from 'node:net';
import { startEmbeddedBroker, type EmbeddedBroker, type FrameSink } from '../../src/transport/index.ts';

/** A sink that holds every frame until the test releases it. */
function holdingSink() {
  const held = new Map<string, () => void>();
  const sink: FrameSink = {
    handleFrame: (frame) =>
      new Promise((resolve) => held.set(Buffer.from(frame).toString(), () => resolve({ ok: true }))),
    recordRejection: () => undefined,
  };
  return { sink, held };
}

/** MQTT 3.1.1 packets (remaining length < 128 here, one byte). */
const CONNECT = Buffer.from([0x10, 12, 0, 4, ...Buffer.from('MQTT'), 4, 0x02, 0, 60, 0, 0]);
const TOPIC = Buffer.from('gt/v1/0102030405060708/up');
function publishQos1(id: number, payload: string): Buffer {
  const body = Buffer.concat([
    Buffer.from([TOPIC.length >> 8, TOPIC.length & 0xff]),
    TOPIC,
    Buffer.from([id >> 8, id & 0xff]),
    Buffer.from(payload),
  ]);
  return Buffer.concat([Buffer.from([0x32, body.length]), body]);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(what: () => boolean, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) return false;
    await sleep(5);
  }
  return true;
}

let broker: EmbeddedBroker | undefined;
let socket: Socket | undefined;
afterEach(async () => {
  socket?.destroy();
  await broker?.close();
  socket = broker = undefined;
});

/** The broker with a holding sink and one raw client; `chunk` writes PUBLISHes in one TCP write. */
async function start(readAhead?: number) {
  const { sink, held } = holdingSink();
  broker = await startEmbeddedBroker({ sink, ...(readAhead !== undefined ? { readAhead } : {}) });
  const s = connect(broker.port, '127.0.0.1');
  socket = s;
  s.setNoDelay(true);
  let received = Buffer.alloc(0);
  s.on('data', (d: Buffer) => (received = Buffer.concat([received, d])));
  s.write(CONNECT);
  if (!(await until(() => received.length >= 4))) throw new Error('no CONNACK');
  const pubacks = () => {
    const ids: number[] = [];
    for (let o = 4; o + 4 <= received.length; o += 4) {
      expect(received[o]).toBe(0x40); // PUBACK
      ids.push(received.readUInt16BE(o + 2));
    }
    return ids;
  };
  let nextId = 1;
  const chunk = async (...frames: string[]) => {
    s.write(Buffer.concat(frames.map((f) => publishQos1(nextId++, f))));
    await sleep(100); // the broker reads it (or does not) meanwhile
  };
  const release = (f: string) => held.get(f)!();
  return { held, chunk, pubacks, release };
}

describe('embedded broker read-ahead', () => {
  it('reads a connection on while its uplinks wait for their commit; PUBACKs only after it', async () => {
    const { held, chunk, pubacks, release } = await start();
    await chunk('a1', 'a2');
    await chunk('b');
    expect([...held.keys()]).toEqual(['a1', 'a2', 'b']);
    expect(pubacks()).toEqual([]);
    for (const f of ['a1', 'a2', 'b']) release(f);
    expect(await until(() => pubacks().length === 3)).toBe(true);
    expect(pubacks()).toEqual([1, 2, 3]);
    await chunk('c'); // the read gate is balanced again
    expect(held.has('c')).toBe(true);
  });

  it('holds the read once `readAhead` uplinks wait, until a held one is acknowledged', async () => {
    const { held, chunk, pubacks, release } = await start(2);
    await chunk('a1', 'a2'); // detached: the connection is read on
    await chunk('b1', 'b2'); // read, but over the limit: they hold the read
    await chunk('c');
    expect([...held.keys()]).toEqual(['a1', 'a2', 'b1', 'b2']);
    release('a1'); // a detached uplink's PUBACK does not open the read
    await sleep(100);
    expect(held.has('c')).toBe(false);
    release('b1');
    expect(await until(() => held.has('c'))).toBe(true);
    for (const f of ['a2', 'b2', 'c']) release(f);
    expect(await until(() => pubacks().length === 5)).toBe(true);
  });

  it('with readAhead 0 behaves as aedes: a chunk of waiting uplinks holds the next one', async () => {
    const { held, chunk, pubacks, release } = await start(0);
    await chunk('a1', 'a2');
    await chunk('b');
    expect([...held.keys()]).toEqual(['a1', 'a2']);
    release('a1');
    expect(await until(() => held.has('b'))).toBe(true);
    release('a2');
    release('b');
    expect(await until(() => pubacks().length === 3)).toBe(true);
  });
});
