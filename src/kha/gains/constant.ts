import type { KhaState } from '../state';
import type { Projection, UpdateOps } from '../ops';
import type { GainSchedule, GainParameters } from './schedule';

/** KHA with a constant scalar gain: η_t,i = η0 (Kim, Franz & Schölkopf 2005). */
export class ConstantGain implements GainSchedule {
  readonly name = 'constant' as const;
  readonly needsAK = false;
  readonly iterate = null;
  readonly parameters: Readonly<Record<string, number>>;
  lastGains: Float64Array = new Float64Array(0);
  private readonly eta0: number;

  constructor(params: GainParameters) {
    this.eta0 = params.eta0 ?? 0.03;
    this.parameters = { eta0: this.eta0 };
  }

  get divergenceAdvice(): string {
    return `lower --eta0 (now ${this.eta0})`;
  }

  init(state: KhaState, _ops: UpdateOps): void {
    this.lastGains = new Float64Array(state.r).fill(this.eta0);
  }

  step<P extends Projection>(state: KhaState, projected: P, ops: UpdateOps<P>): void {
    ops.kha(state, projected, this.lastGains);
  }

  snapshot() {
    return {};
  }
  restore(): void {}

  iterateLengths() {
    return {};
  }
  tuningValues(): GainParameters[] {
    return [{}];
  }
}
