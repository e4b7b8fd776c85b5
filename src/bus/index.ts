// Public entry of the bus area: the port, its conformance suite and the in-process adapter.
export type { Bus, BusMessage, Unsubscribe } from './port.ts';
export { matchesSubject } from './port.ts';
export { BUS_CONFORMANCE } from './conformance.ts';
export type { BusCase } from './conformance.ts';
export { createInProcessBus } from './memory/in-process-bus.ts';
