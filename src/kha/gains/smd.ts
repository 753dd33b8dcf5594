import type { KhaState } from '../state';
import type { Projection, SmdIterate, UpdateOps } from '../ops';
import type { GainSchedule, GainParameters, ScheduleState } from './schedule';
import { NumericalError } from '../../errors';
import { khaEtGains } from './khaEt';

/**
 * ρ below this (a gain factor e^-25 ≈ 1e-11) means SMD has frozen a component. On USPS with
 * μ = 10 log-gains fell to −40 … −360 (docs/ALGORITHMS.md); healthy runs stay within a few units of 0.
 */
export const SMD_COLLAPSE_LOG_GAIN = -25;

/** The μ --tune tries. */
export const TUNE_MU = [0.3, 1, 3];

/**
 * KHA-SMD: stochastic meta-descent in the RKHS. One log-gain ρ_i per component multiplies the
 * kha-et gains, P_t = diag(e^{ρ_t} ⊙ η_t); ρ follows the RKHS inner product of the step with the
 * gradient trace B (docs/ALGORITHMS.md, `smd`). B_1 = 0, ρ_0 = 0.
 */
export class SmdGain implements GainSchedule {
  readonly name = 'smd' as const;
  readonly needsAK = true;
  readonly parameters: Readonly<Record<string, number>>;
  lastGains: Float64Array = new Float64Array(0);
  private readonly eta0: number;
  private readonly mu: number;
  private readonly xi: number;
  iterate: SmdIterate = { B: new Float64Array(0), rho: new Float64Array(0) };
  private baseGains = new Float64Array(0);

  constructor(params: GainParameters) {
    this.eta0 = params.eta0 ?? 0.03;
    this.mu = params.mu ?? 1;
    this.xi = params.xi ?? 0.99;
    this.parameters = { eta0: this.eta0, mu: this.mu, xi: this.xi };
  }

  get divergenceAdvice(): string {
    return `lower --eta0 (now ${this.eta0}) or --mu (now ${this.mu})`;
  }

  init(state: KhaState, ops: UpdateOps): void {
    const lengths = this.iterateLengths(state.r, state.l);
    this.iterate = { B: ops.allocate(lengths.B), rho: ops.allocate(lengths.rho) };
    this.baseGains = new Float64Array(state.r);
    this.lastGains = new Float64Array(state.r);
  }

  step<P extends Projection>(state: KhaState, projected: P, ops: UpdateOps<P>): void {
    const eta = khaEtGains(state, this.eta0, this.baseGains);
    ops.smd(state, this.iterate, projected, eta, this.mu, this.xi);
    const { rho } = this.iterate;
    for (let i = 0; i < state.r; i++) this.lastGains[i] = Math.exp(rho[i]) * eta[i];
  }

  /** SMD's second failure mode: log-gains collapsing (components frozen while nothing is non-finite). */
  checkHealth(pass: number): void {
    const frozen: number[] = [];
    this.iterate.rho.forEach((v, i) => {
      if (!(v > SMD_COLLAPSE_LOG_GAIN)) frozen.push(i + 1);
    });
    if (frozen.length > 0)
      throw new NumericalError(
        `SMD log-gains collapsed in pass ${pass + 1} (ρ ≤ ${SMD_COLLAPSE_LOG_GAIN} for component${frozen.length > 1 ? 's' : ''} ` +
          `${frozen.join(', ')}): those components stopped learning. ${this.divergenceAdvice}.`,
      );
  }

  /** B, the gradient trace (r × l), and the log-gains ρ */
  iterateLengths(r: number, l: number) {
    return { B: r * l, rho: r };
  }

  tuningValues(): GainParameters[] {
    return TUNE_MU.map((mu) => ({ mu }));
  }

  snapshot(): ScheduleState {
    return { B: this.iterate.B, rho: this.iterate.rho };
  }

  restore(saved: ScheduleState): void {
    this.iterate.B.set(saved.B);
    this.iterate.rho.set(saved.rho);
  }
}
