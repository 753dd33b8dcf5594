import type { KhaState } from '../state';
import type { Projection, UpdateOps } from '../ops';
import type { GainSchedule, GainParameters } from './schedule';

/**
 * KHA/et: η_t,i = η0 · (‖λ_t‖₂ / λ_t,i) · l/(t + l), with the paper's eigenvalue estimates
 * λ_t,i = ‖(A_t K')_i‖ / ‖(A_t)_i‖. The ratio ‖λ‖/λ_i makes the gain invariant to the kernel's
 * scale, which is what lets τ be fixed at l.
 */
export function khaEtGains(state: KhaState, eta0: number, out: Float64Array): Float64Array {
  const { r, l, t, normA2, normAK2 } = state;
  let norm2 = 0;
  for (let i = 0; i < r; i++) {
    const lambda = Math.sqrt(normAK2[i] / normA2[i]);
    out[i] = lambda;
    norm2 += lambda * lambda;
  }
  const scale = eta0 * Math.sqrt(norm2) * (l / (t + l));
  for (let i = 0; i < r; i++) out[i] = scale / out[i];
  return out;
}

export class KhaEtGain implements GainSchedule {
  readonly name = 'kha-et' as const;
  readonly needsAK = true;
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
    this.lastGains = new Float64Array(state.r);
  }

  step<P extends Projection>(state: KhaState, projected: P, ops: UpdateOps<P>): void {
    ops.kha(state, projected, khaEtGains(state, this.eta0, this.lastGains));
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
