import type { KhaState } from '../state';
import type { Projection, UpdateOps } from '../ops';
import type { GainSchedule, GainParameters } from './schedule';

/** The τ --tune tries, as multiples of l. */
export const TUNE_TAU_FACTORS = [0.1, 1, 10];

/** KHA with the 1/t annealed scalar gain: η_t,i = η0 · τ/(t + τ), default τ = l. */
export class AnnealedGain implements GainSchedule {
  readonly name = 'annealed' as const;
  readonly needsAK = false;
  readonly iterate = null;
  parameters: Readonly<Record<string, number>> = {};
  lastGains: Float64Array = new Float64Array(0);
  private readonly eta0: number;
  private tau: number;

  constructor(private readonly params: GainParameters) {
    this.eta0 = params.eta0 ?? 0.3;
    this.tau = params.tau ?? NaN; // resolved against l in init
  }

  get divergenceAdvice(): string {
    return `lower --eta0 (now ${this.eta0}) or --tau (now ${this.tau})`;
  }

  init(state: KhaState, _ops: UpdateOps): void {
    this.tau = this.params.tau ?? state.l;
    this.parameters = { eta0: this.eta0, tau: this.tau };
    this.lastGains = new Float64Array(state.r);
  }

  step<P extends Projection>(state: KhaState, projected: P, ops: UpdateOps<P>): void {
    this.lastGains.fill((this.eta0 * this.tau) / (state.t + this.tau));
    ops.kha(state, projected, this.lastGains);
  }

  snapshot() {
    return {};
  }
  restore(): void {}

  iterateLengths() {
    return {};
  }
  /** τ as multiples of l */
  tuningValues(l: number): GainParameters[] {
    return TUNE_TAU_FACTORS.map((f) => ({ tau: Math.round(f * l) }));
  }
}
