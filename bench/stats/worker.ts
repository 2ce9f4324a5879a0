import { parentPort, workerData } from 'node:worker_threads';
import { runRepetitions } from './harness';
import { buildSetup, type SetupIds } from './setup';

/** One share of the repetitions, run in a worker thread; posts a tick per repetition, then its cells. */
export interface WorkerTask {
  ids: SetupIds;
  seed: number;
  from: number;
  to: number;
}

const task = workerData as WorkerTask;
export type WorkerMessage = { kind: 'repetition' } | { kind: 'cells'; cells: ReturnType<typeof runRepetitions> };

const post = (message: WorkerMessage) => parentPort?.postMessage(message);
const cells = runRepetitions(buildSetup(task.ids), task.seed, task.from, task.to, () => post({ kind: 'repetition' }));
post({ kind: 'cells', cells });
