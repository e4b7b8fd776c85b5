// Campaigns (pure): a target set, a canary group first, pacing, automatic stop past a failure ratio,
// pause / resume / cancel, and each device's transfer cursor — for firmware and SE applets alike.
import type { UnixMillis } from '../core/index.ts';
import { TsmError } from './errors.ts';

export type CampaignStatus = 'created' | 'canary' | 'running' | 'paused' | 'stopped' | 'cancelled' | 'done';
export type DeviceState = 'pending' | 'active' | 'done' | 'failed' | 'held';

export interface CampaignSpec {
  campaignId: string;
  kind: 'firmware' | 'applet';
  /** Terminal ids, resolved by the caller from a selector (type, fusion terminal, tag or list). */
  targets: string[];
  /** How many targets form the canary group (taken first). @default 1% (at least 1) */
  canary?: number;
  /** Transfers at once. @default 64 */
  maxConcurrent?: number;
  /** New transfers started per second at most. @default unlimited */
  startsPerSecond?: number;
  /** Stop when failed / finished passes this (after `minSample` finished). @default 0.1 */
  failureThreshold?: number;
  /** @default 10 */
  minSample?: number;
  /** For firmware: the manifest digest (hex) and image size; for applets: the template and its params. */
  payload:
    | { manifestDigest: string; size: number }
    | { templateId: string; params: Record<string, string | number> };
}

export interface DeviceProgress {
  state: DeviceState;
  /** Bytes the device has confirmed (the platform's transfer cursor). */
  offset: number;
  attempts: number;
  /** Bytes sent to it, counting re-sent ones. */
  bytesSent: number;
  reason?: string;
  canary: boolean;
}

export interface Campaign {
  spec: Required<Omit<CampaignSpec, 'startsPerSecond'>> & { startsPerSecond?: number };
  status: CampaignStatus;
  devices: Record<string, DeviceProgress>;
  detail: string;
  createdAt: UnixMillis;
  updatedAt: UnixMillis;
  lastStartAt: number;
}

export function createCampaign(s: CampaignSpec, now: UnixMillis): Campaign {
  if (s.targets.length === 0)
    throw new TsmError('GT_ERR_TSM_BAD_INPUT', 'a campaign needs at least one target', {
      hint: 'check the selector',
    });
  const canary = Math.min(s.targets.length, s.canary ?? Math.max(1, Math.ceil(s.targets.length / 100)));
  const spec = { canary, maxConcurrent: 64, failureThreshold: 0.1, minSample: 10, ...s };
  const devices: Record<string, DeviceProgress> = {};
  s.targets.forEach(
    (id, i) => (devices[id] = { state: 'pending', offset: 0, attempts: 0, bytesSent: 0, canary: i < canary }),
  );
  return {
    spec,
    status: 'created',
    devices,
    detail: '',
    createdAt: now,
    updatedAt: now,
    lastStartAt: -Infinity,
  };
}

const count = (c: Campaign, f: (d: DeviceProgress) => boolean) => Object.values(c.devices).filter(f).length;

export type CampaignCommand = 'start' | 'pause' | 'resume' | 'cancel';

/** Applies an operator command; refused ones come back with a reason. */
export function commandCampaign(
  c: Campaign,
  cmd: CampaignCommand,
  now: UnixMillis,
): { ok: true } | { ok: false; reason: string } {
  const to = (status: CampaignStatus, detail: string) => {
    Object.assign(c, { status, detail, updatedAt: now });
    return { ok: true as const };
  };
  const final = c.status === 'cancelled' || c.status === 'done';
  switch (cmd) {
    case 'start':
      if (c.status !== 'created') return { ok: false, reason: `campaign is ${c.status}` };
      return c.spec.canary > 0 ? to('canary', 'canary group first') : to('running', 'no canary group');
    case 'pause':
      return c.status === 'canary' || c.status === 'running'
        ? to('paused', `paused (was ${c.status})`)
        : { ok: false, reason: `campaign is ${c.status}` };
    case 'resume':
      if (c.status !== 'paused' && c.status !== 'stopped')
        return { ok: false, reason: `campaign is ${c.status}` };
      return to(count(c, (d) => d.canary && d.state !== 'done') > 0 ? 'canary' : 'running', 'resumed');
    case 'cancel':
      return final
        ? { ok: false, reason: `campaign is ${c.status}` }
        : to('cancelled', 'cancelled by the operator');
  }
}

/** The devices to start now: within the phase's group, the concurrency limit and the start rate. */
export function nextDevices(c: Campaign, nowMs: number): string[] {
  if (c.status !== 'canary' && c.status !== 'running') return [];
  const free = c.spec.maxConcurrent - count(c, (d) => d.state === 'active');
  const out: string[] = [];
  const rate = c.spec.startsPerSecond;
  let budget =
    rate === undefined ? free : Math.min(free, Math.floor(((nowMs - c.lastStartAt) / 1000) * rate));
  if (rate !== undefined && c.lastStartAt === -Infinity)
    budget = Math.min(free, Math.max(1, Math.ceil(rate)));
  for (const [id, d] of Object.entries(c.devices)) {
    if (out.length >= budget) break;
    if (d.state === 'pending' && (c.status === 'running' || d.canary)) out.push(id);
  }
  for (const id of out)
    Object.assign(c.devices[id]!, { state: 'active', attempts: c.devices[id]!.attempts + 1 });
  if (out.length > 0) c.lastStartAt = nowMs;
  return out;
}

export type DeviceEvent =
  | { kind: 'progress'; offset: number; sent: number }
  | { kind: 'interrupted'; reason: string }
  | { kind: 'done' }
  | { kind: 'failed'; reason: string }
  | { kind: 'hold'; reason: string }
  | { kind: 'release' };

/** Records what happened to one device and moves the campaign (canary → running, auto-stop, done). */
export function reportDevice(c: Campaign, id: string, e: DeviceEvent, now: UnixMillis): void {
  const d = c.devices[id];
  if (!d) throw new TsmError('GT_ERR_TSM_UNKNOWN_ENTITY', `${id} is not a target of ${c.spec.campaignId}`);
  switch (e.kind) {
    case 'progress':
      d.offset = Math.max(d.offset, e.offset);
      d.bytesSent += e.sent;
      break;
    case 'interrupted':
      Object.assign(d, { state: 'pending', reason: e.reason });
      break;
    case 'done':
      Object.assign(d, { state: 'done', reason: undefined });
      break;
    case 'failed':
      Object.assign(d, { state: 'failed', reason: e.reason });
      break;
    case 'hold':
      if (d.state !== 'done') Object.assign(d, { state: 'held', reason: e.reason });
      break;
    case 'release':
      if (d.state === 'held') Object.assign(d, { state: 'pending', reason: undefined });
      break;
  }
  c.updatedAt = now;
  advance(c);
}

function advance(c: Campaign): void {
  const done = count(c, (d) => d.state === 'done');
  const failed = count(c, (d) => d.state === 'failed');
  const finished = done + failed;
  const ratio = finished === 0 ? 0 : failed / finished;
  if (
    (c.status === 'canary' || c.status === 'running') &&
    finished >= Math.min(c.spec.minSample, c.spec.targets.length) &&
    ratio > c.spec.failureThreshold
  ) {
    c.status = 'stopped';
    c.detail = `stopped: failure ratio ${ratio.toFixed(3)} > ${c.spec.failureThreshold}`;
    return;
  }
  if (
    c.status === 'canary' &&
    count(c, (d) => d.canary && d.state !== 'done' && d.state !== 'failed') === 0
  ) {
    if (count(c, (d) => d.canary && d.state === 'failed') > 0) {
      c.status = 'stopped';
      c.detail = 'stopped: a canary failed';
      return;
    }
    c.status = 'running';
    c.detail = 'canary passed';
  }
  if (
    c.status === 'running' &&
    count(c, (d) => d.state === 'pending' || d.state === 'active' || d.state === 'held') === 0
  ) {
    c.status = 'done';
    c.detail = `done: ${done} installed, ${failed} failed`;
  }
}

/** Per-state counts and the resume efficiency so far (image bytes ÷ bytes sent). */
export function summarizeCampaign(c: Campaign): {
  status: CampaignStatus;
  counts: Record<DeviceState, number>;
  bytesSent: number;
  resumeEfficiency: number | null;
} {
  const counts: Record<DeviceState, number> = { pending: 0, active: 0, done: 0, failed: 0, held: 0 };
  let sent = 0;
  for (const d of Object.values(c.devices)) {
    counts[d.state]++;
    sent += d.bytesSent;
  }
  const size = 'size' in c.spec.payload ? c.spec.payload.size : 0;
  return {
    status: c.status,
    counts,
    bytesSent: sent,
    resumeEfficiency: sent === 0 || size === 0 ? null : (counts.done * size) / sent,
  };
}
