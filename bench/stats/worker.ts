import { parentPort, workerData } from 'node:worker_threads';
import { runRepetitions } from './harness';
import { buildSetup, type SetupIds } from './setup';

/** One share of the repetitions, run in a worker thread; posts its cells back. */
export interface WorkerTask {
  ids: SetupIds;
  seed: number;
  from: number;
  to: number;
}

const task = workerData as WorkerTask;
parentPort?.postMessage(runRepetitions(buildSetup(task.ids), task.seed, task.from, task.to));
