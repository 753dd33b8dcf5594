/**
 * The one interface every gain schedule implements. A schedule decides the per-component gains of
 * each step and carries out the step through the update ops (any form: factored, blocked, naive), so the
 * engine never needs to know which schedule it runs.
 */
import type { KhaState } from '../state';
import type { Projection, SmdIterate, UpdateOps } from '../ops';

export type GainName = 'constant' | 'annealed' | 'kha-et' | 'smd';
export const GAIN_NAMES: readonly GainName[] = ['constant', 'annealed', 'kha-et', 'smd'];

/** User-facing gain parameters; each schedule reads the ones it uses. */
export interface GainParameters {
  /** η0, the base gain */
  eta0?: number;
  /** τ of the annealed schedule η0·τ/(t+τ); default l */
  tau?: number;
  /** μ, SMD's meta-gain */
  mu?: number;
  /** ξ, SMD's decay of the gradient trace B */
  xi?: number;
}

/** Extra iterate a schedule keeps (saved in checkpoints). */
export type ScheduleState = Record<string, Float64Array>;

export interface GainSchedule {
  readonly name: GainName;
  /** The parameters in force, defaults filled in (written into models and reports). */
  readonly parameters: Readonly<Record<string, number>>;
  /** Whether the engine must keep A K' (eigenvalue estimates). */
  readonly needsAK: boolean;
  /** SMD's extra iterate (B, ρ), which the update ops carry too; null for the other schedules. */
  readonly iterate: SmdIterate | null;
  /** Called once with the initial state, before the first step; iterates are allocated by the ops. */
  init(state: KhaState, ops: UpdateOps): void;
  /** One step, on what the ops' `project` returned for the sample (y = A k′_p among it). */
  step<P extends Projection>(state: KhaState, projected: P, ops: UpdateOps<P>): void;
  /** The schedule's own iterate, for checkpoints (empty for stateless schedules). */
  snapshot(): ScheduleState;
  restore(saved: ScheduleState): void;
  /**
   * The lengths of the arrays of its own iterate (what `snapshot` returns) for r components and l
   * points: what `init` allocates, and what memory plans and checkpoint checks count.
   */
  iterateLengths(r: number, l: number): Record<string, number>;
  /** What --tune tries of the schedule's own parameters besides η0 ([{}]: nothing). */
  tuningValues(l: number): GainParameters[];
  /** Gains of the last step, for reports and divergence advice. */
  readonly lastGains: Float64Array;
  /**
   * After each block, at a consistent state (A holds the plain iterate): `blocks` block ends since the
   * start, this one included. The constant gain averages its iterate here (constant.ts).
   */
  endBlock?(state: KhaState, blocks: number): void;
  /** The iterate a finish (Rayleigh–Ritz, certificate) takes instead of A: an average; absent: A itself. */
  finishIterate?(state: KhaState): Float64Array;
  /** After each pass: throws a NumericalError when the schedule has failed in its own way (SMD: collapsed log-gains). */
  checkHealth?(pass: number): void;
  /** The flags a user should lower when the iteration diverges. */
  readonly divergenceAdvice: string;
}

/** The lengths of the arrays a schedule keeps besides A for r components and l points: A K′ when it needs it, and its own iterate. */
export function keptArrays(schedule: GainSchedule, r: number, l: number): number[] {
  return [...(schedule.needsAK ? [r * l] : []), ...Object.values(schedule.iterateLengths(r, l))];
}

/** Float64 values a schedule keeps besides A (memory plans). */
export function keptValues(schedule: GainSchedule, r: number, l: number): number {
  return keptArrays(schedule, r, l).reduce((sum, n) => sum + n, 0);
}
