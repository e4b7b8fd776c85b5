// The terminal agent (pure logic): frame counter persistence, key version, retries, acks.
export type { CounterPersistence, FrameCounter, PersistedCounter } from './counter.ts';
export {
  COUNTER_F,
  COUNTER_K,
  COUNTER_HIGH_WATER,
  openFrameCounter,
  createMemoryCounterPersistence,
} from './counter.ts';
export type {
  LinkResult,
  RetryPolicy,
  SendOutcome,
  TerminalAgent,
  TerminalAgentOptions,
  UplinkLink,
} from './agent.ts';
export { createTerminalAgent, decodeAckBody } from './agent.ts';
