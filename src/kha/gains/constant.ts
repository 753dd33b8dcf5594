import type { KhaState } from '../state';
import type { Projection, UpdateOps } from '../ops';
import type { GainSchedule, GainParameters, ScheduleState } from './schedule';

/**
 * c of the averaging weights: the average after k block ends is Ā_k = Ā_{k−1} + (c+1)/(k+c)·(A_k − Ā_{k−1}),
 * which weighs block end j about ∝ j^c (polynomial-decay averaging, Shamir & Zhang 2013).
 */
const AVERAGE_DECAY = 3;

/**
 * KHA with a constant scalar gain: η_t,i = η0 (Kim, Franz & Schölkopf 2005).
 *
 * A constant gain never stops moving: the iterate fluctuates about the eigenvectors with an amplitude
 * that grows with η0, and more passes do not remove it. Measured on mnist:1000:14 (r 4 + 2 guard
 * components), largest Ritz residual / λ1 of the raw iterate after 40 passes at η0 0.03: Gaussian
 * 1.8e-2, cubic 3.2e-2, linear 6.2e-2 (0.01: linear 1.3e-2 after 160 passes) against the
 * certificate's 1e-2. So the schedule also keeps the Polyak–Ruppert average Ā of its iterates at
 * block ends (one r × l axpy per block), and a finish takes Ā: after 20 passes 3.0e-3 … 8.3e-3,
 * after 40 1.6e-3 … 2.6e-3. A smaller c keeps the first passes' transient longer (c = 1: 1.3e-2 …
 * 1.6e-2 after 20 passes on the Gaussian and cubic kernels); an average over the last pass only keeps
 * most of the noise (1.8e-2 … 2.7e-2 after 40 passes): the fluctuation is correlated over several
 * passes (docs/ALGORITHMS.md, "Averaging the constant gain's iterate"). The Rayleigh–Ritz step
 * re-orthonormalises Ā's span, so Ā need not be orthonormal.
 */
export class ConstantGain implements GainSchedule {
  readonly name = 'constant' as const;
  readonly needsAK = false;
  readonly iterate = null;
  readonly parameters: Readonly<Record<string, number>>;
  lastGains: Float64Array = new Float64Array(0);
  private readonly eta0: number;
  private average: Float64Array = new Float64Array(0);
  /** block ends before Ā started: 0, or NaN until the next block end after restoring a checkpoint without Ā */
  private origin = 0;

  constructor(params: GainParameters) {
    this.eta0 = params.eta0 ?? 0.03;
    this.parameters = { eta0: this.eta0 };
  }

  get divergenceAdvice(): string {
    return `lower --eta0 (now ${this.eta0})`;
  }

  init(state: KhaState, ops: UpdateOps): void {
    this.lastGains = new Float64Array(state.r).fill(this.eta0);
    this.average = ops.allocate(this.iterateLengths(state.r, state.l).average);
  }

  step<P extends Projection>(state: KhaState, projected: P, ops: UpdateOps<P>): void {
    ops.kha(state, projected, this.lastGains);
  }

  endBlock(state: KhaState, blocks: number): void {
    if (Number.isNaN(this.origin)) this.origin = blocks - 1;
    const weight = (AVERAGE_DECAY + 1) / (blocks - this.origin + AVERAGE_DECAY);
    const { A } = state;
    const average = this.average;
    for (let j = 0; j < A.length; j++) average[j] += weight * (A[j] - average[j]);
  }

  /** Ā, once a block has ended (the first block end sets Ā = A) */
  finishIterate(state: KhaState): Float64Array {
    return state.t > 0 && !Number.isNaN(this.origin) ? this.average : state.A;
  }

  /** Ā, unless it has not started since a checkpoint without it was restored */
  snapshot(): ScheduleState {
    return Number.isNaN(this.origin) ? {} : { average: this.average };
  }

  /** A checkpoint written before Ā existed (one of `compare`, say) resumes with Ā started afresh at the next block end. */
  restore(saved: ScheduleState): void {
    if (saved.average) this.average.set(saved.average);
    this.origin = saved.average ? 0 : NaN;
  }

  /** Ā, r × l */
  iterateLengths(r: number, l: number) {
    return { average: r * l };
  }

  tuningValues(): GainParameters[] {
    return [{}];
  }
}
