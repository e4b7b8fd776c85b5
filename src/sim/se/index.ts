// The simulated secure element and its persistence.
export { openSimulatedSe, type SimulatedSe } from './simulated-se.ts';
export {
  GP_ISD_AID,
  createMemorySePersistence,
  initialState,
  type SeEntry,
  type SePersistence,
  type SimSeState,
} from './state.ts';
export {
  createSeTerminal,
  type SeTerminal,
  type SeTerminalOptions,
  type SeTerminalResult,
} from './se-terminal.ts';
