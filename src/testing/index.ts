/**
 * `wafstream/testing`: a simulator of the provider APIs for tests and demos, with no account and no network.
 * A separate entry, so that `import 'wafstream'` never loads it. msw handlers live in `wafstream/testing/msw`.
 */
export { startSimulator, createSimulator } from './simulator.js';
export type {
  RunningSimulator,
  Simulator,
  SimulatorOptions,
  SimulatorFaults,
  SimulatedFault,
  SimulatorCredentials,
  SimulatorData,
} from './simulator.js';
export type { Route, RequestHandlerFn } from './http.js';
export type { FakeEvent as SimulatedTransactCdnEvent } from './transactcdn.js';
export type { FakeNode as SimulatedBotByeRequest } from './botbye.js';
