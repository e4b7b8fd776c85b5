// Public entry of the bus area: the port, its subjects, its conformance suite and the in-process adapter.
export type { Bus, BusHandler, BusMessage, SubscribeOptions, Unsubscribe } from './port.ts';
export { matchesSubject } from './port.ts';
export {
  DIRECT_PARTITION,
  decisionsSubject,
  evidenceSubject,
  partitionOfSubject,
  readingsSubject,
} from './subjects.ts';
export { BUS_CONFORMANCE } from './conformance.ts';
export type { BusCase } from './conformance.ts';
export { createInProcessBus } from './memory/in-process-bus.ts';
export { openNatsBus } from './nats/nats-bus.ts';
export type { NatsBus, NatsBusOptions } from './nats/nats-bus.ts';
