// Dispatches one k-means phase on a shard to the kernel of the chosen algorithm.
import { elkanStep } from './kmeans-elkan.ts';
import { lloydSimdStep } from './kmeans-simd.ts';
import { hamerlyStep, lloydStep, type Shard, type StepInput, type StepOutput } from './kmeans-kernel.ts';

/** The exact k-means assignment kernels. */
export type KernelName = 'lloyd' | 'hamerly' | 'elkan' | 'lloyd-simd';

/** Runs the kernel of the chosen algorithm on a shard. */
export function runStep(algorithm: KernelName, s: Shard, inp: StepInput): StepOutput {
  switch (algorithm) {
    case 'lloyd':
      return lloydStep(s, inp);
    case 'hamerly':
      return hamerlyStep(s, inp);
    case 'elkan':
      return elkanStep(s, inp);
    case 'lloyd-simd':
      return lloydSimdStep(s, inp);
  }
}
