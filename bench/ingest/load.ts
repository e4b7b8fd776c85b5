// Load generator for the ingest bench: QoS 1 publishers over a few connections, latency per PUBACK.
import mqtt, { type MqttClient } from 'mqtt';
import { toUplinkTopic } from '../../src/transport/index.ts';

/** One frame to publish: terminal title (hex) and bytes. */
export interface Job {
  title: string;
  frame: Buffer;
}

/** Figures of one publishing round. */
export interface RoundResult {
  perSec: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
}

function quantile(sorted: readonly number[], q: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Opens `n` MQTT 3.1.1 connections to a broker. */
export async function connectPublishers(port: number, n: number, tag: string): Promise<MqttClient[]> {
  return Promise.all(
    Array.from({ length: n }, (_, i) =>
      mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: `bench-${tag}-${i}`, protocolVersion: 4 }),
    ),
  );
}

/** Publishes every job QoS 1 with at most `window` in flight per connection; resolves when all are acked. */
export function publishRound(
  clients: readonly MqttClient[],
  jobs: readonly Job[],
  window: number,
): Promise<RoundResult> {
  const lat: number[] = [];
  let next = 0;
  let done = 0;
  let failed = 0;
  const t0 = performance.now();
  return new Promise((resolve) => {
    const finish = (): void => {
      const s = (performance.now() - t0) / 1000;
      lat.sort((a, b) => a - b);
      resolve({ perSec: jobs.length / s, p50Ms: quantile(lat, 0.5), p99Ms: quantile(lat, 0.99), failed });
    };
    const send = (c: MqttClient): void => {
      const job = jobs[next++];
      if (job === undefined) return;
      const start = performance.now();
      c.publish(toUplinkTopic(job.title), job.frame, { qos: 1 }, (err) => {
        if (err) failed++;
        else lat.push(performance.now() - start);
        if (++done === jobs.length) finish();
        else send(c);
      });
    };
    if (jobs.length === 0) return finish();
    for (const c of clients) for (let w = 0; w < window; w++) send(c);
  });
}

/** Median of a list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}
