// Worker entry for ts-worker.test.ts: answers with its workerData, using a TypeScript-only construct.
import { parentPort, resourceLimits, workerData } from 'node:worker_threads';

enum Answer {
  Typed = 42,
}
const data = workerData as { greeting: string };
parentPort?.postMessage({ echo: data.greeting, typed: Answer.Typed, stackMb: resourceLimits.stackSizeMb });
