// The platform's view of its secure elements: entities, audited life-cycle changes (pure, clock injected).
import type { Clock } from '../core/index.ts';
import { CARD_STATE, appStateName, cardStateName } from './codings.ts';
import { TsmError } from './errors.ts';
import {
  appTransition,
  cardTransition,
  sdTransition,
  type EntityEvent,
  type EntityState,
  type Privilege,
  type Transition,
} from './lifecycle.ts';
import type {
  Application,
  ApplicationProvider,
  LoadFile,
  SecureElement,
  SecurityDomain,
  TsmAuditEntry,
} from './model.ts';

/** Who asks for a change and why (every applied change is audited with these and the time). */
export interface ChangeContext {
  actor: string;
  reason: string;
  privileges?: readonly Privilege[];
}

/** See {@link createTsmRegistry}. */
export interface TsmRegistry {
  addProvider(p: ApplicationProvider): void;
  addSecureElement(se: SecureElement): void;
  addSecurityDomain(sd: SecurityDomain): void;
  addLoadFile(f: LoadFile): void;
  addApplication(a: Application): void;
  getSecureElement(seId: string): SecureElement;
  listSecureElements(): SecureElement[];
  listApplications(seId?: string): Application[];
  listSecurityDomains(seId?: string): SecurityDomain[];
  listProviders(): ApplicationProvider[];
  setCardState(seId: string, to: number, ctx: ChangeContext): Transition<number>;
  changeApplication(seId: string, aid: string, e: EntityEvent, ctx: ChangeContext): Transition<EntityState>;
  changeSecurityDomain(
    seId: string,
    aid: string,
    e: EntityEvent,
    ctx: ChangeContext,
  ): Transition<EntityState>;
  /** The append-only audit of applied changes, oldest first. */
  audit(): readonly TsmAuditEntry[];
}

const key = (seId: string, aid: string) => `${seId}/${aid}`;
const stateName = (s: EntityState) => (s === null ? 'DELETED' : appStateName(s));

/**
 * Creates an empty registry.
 * @example
 * const reg = createTsmRegistry({ clock });
 * reg.changeApplication(se, aid, { op: 'LOCK' }, { actor: 'trust', reason: 'quarantined' });
 */
export function createTsmRegistry(o: { clock: Clock }): TsmRegistry {
  const ses = new Map<string, SecureElement>();
  const sds = new Map<string, SecurityDomain>();
  const apps = new Map<string, Application>();
  const elfs = new Map<string, LoadFile>();
  const providers = new Map<string, ApplicationProvider>();
  const log: TsmAuditEntry[] = [];
  const put = <T>(m: Map<string, T>, k: string, v: T, what: string) => {
    if (m.has(k))
      throw new TsmError('GT_ERR_TSM_DUPLICATE', `${what} ${k} exists`, { hint: 'use another id' });
    m.set(k, v);
  };
  const record = (
    entity: TsmAuditEntry['entity'],
    id: string,
    t: { from: string; to: string },
    ctx: ChangeContext,
  ) => log.push({ at: o.clock.now(), actor: ctx.actor, reason: ctx.reason, entity, id, ...t });
  const se = (seId: string) => {
    const s = ses.get(seId);
    if (!s)
      throw new TsmError('GT_ERR_TSM_UNKNOWN_SE', `no secure element ${seId}`, {
        hint: 'see `gridtrust tsm se list`',
      });
    return s;
  };
  const cardBlocks = (s: SecureElement, from: EntityState): Transition<EntityState> | undefined => {
    if (s.cardLifeCycle === CARD_STATE.CARD_LOCKED)
      return { ok: false, from, reason: 'CARD_LOCKED', detail: 'the card is locked: only the ISD answers' };
    if (s.cardLifeCycle === CARD_STATE.TERMINATED)
      return { ok: false, from, reason: 'TERMINATED', detail: 'the card is terminated' };
    return undefined;
  };
  const change = <T extends { lifeCycle: EntityState }>(x: {
    m: Map<string, T>;
    seId: string;
    aid: string;
    e: EntityEvent;
    ctx: ChangeContext;
    entity: 'app' | 'sd';
  }): Transition<EntityState> => {
    const s = se(x.seId);
    const item = x.m.get(key(x.seId, x.aid));
    if (!item)
      throw new TsmError('GT_ERR_TSM_UNKNOWN_ENTITY', `no ${x.entity} ${x.aid} on ${x.seId}`, {
        hint: 'see `gridtrust tsm app list`',
      });
    const t =
      cardBlocks(s, item.lifeCycle) ??
      (x.entity === 'app' ? appTransition : sdTransition)(item.lifeCycle, x.e);
    if (t.ok) {
      item.lifeCycle = t.to;
      record(x.entity, key(x.seId, x.aid), { from: stateName(t.from), to: stateName(t.to) }, x.ctx);
    }
    return t;
  };
  return {
    addProvider: (p) => put(providers, p.providerId, { ...p }, 'provider'),
    addSecureElement: (s) => put(ses, s.seId, { ...s }, 'secure element'),
    addSecurityDomain: (d) => (se(d.seId), put(sds, key(d.seId, d.aid), { ...d }, 'security domain')),
    addLoadFile: (f) => put(elfs, f.elfAid, { ...f }, 'load file'),
    addApplication: (a) => (se(a.seId), put(apps, key(a.seId, a.instanceAid), { ...a }, 'application')),
    getSecureElement: (id) => ({ ...se(id) }),
    listSecureElements: () => [...ses.values()].map((s) => ({ ...s })),
    listApplications: (id) =>
      [...apps.values()].filter((a) => id === undefined || a.seId === id).map((a) => ({ ...a })),
    listSecurityDomains: (id) =>
      [...sds.values()].filter((d) => id === undefined || d.seId === id).map((d) => ({ ...d })),
    listProviders: () => [...providers.values()].map((p) => ({ ...p })),
    setCardState(seId, to, ctx) {
      const s = se(seId);
      const t = cardTransition(s.cardLifeCycle, to, ctx.privileges ?? []);
      if (t.ok) {
        s.cardLifeCycle = t.to;
        record('card', seId, { from: cardStateName(t.from), to: cardStateName(t.to) }, ctx);
      }
      return t;
    },
    changeApplication: (seId, aid, e, ctx) => change({ m: apps, seId, aid, e, ctx, entity: 'app' }),
    changeSecurityDomain: (seId, aid, e, ctx) => change({ m: sds, seId, aid, e, ctx, entity: 'sd' }),
    audit: () => log,
  };
}
