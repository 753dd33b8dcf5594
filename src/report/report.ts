/**
 * The comparison report as data: what report.json holds, and the tables report.md and report.html
 * both render (built once here, so the two cannot disagree).
 */
import type { CompareResult } from '../app/compare';
import { describeKernel } from '../kernels/kernel';
import { machineInfo, type MachineInfo } from './machine';
import { BASELINES, orderingByPasses, summarize, THRESHOLDS, type ScheduleSummary } from './summary';

export const REPORT_FORMAT = 'kpca-compare-report';
export const REPORT_VERSION = 1;

export interface CompareReport {
  format: typeof REPORT_FORMAT;
  version: number;
  createdAt: string;
  /** the command line that produced it, when run from the CLI */
  command?: string;
  machine: MachineInfo;
  /** every setting and every series */
  result: CompareResult;
  /** derived from result.schedules[].series (see summary.ts) */
  summary: ScheduleSummary[];
}

export function buildReport(result: CompareResult, command?: string): CompareReport {
  return {
    format: REPORT_FORMAT,
    version: REPORT_VERSION,
    createdAt: new Date().toISOString(),
    ...(command ? { command } : {}),
    machine: machineInfo(),
    result,
    summary: summarize(result),
  };
}

export interface Table {
  title: string;
  /** a sentence under the title */
  note?: string;
  header: string[];
  rows: string[][];
}

export const fmtError = (v: number | null | undefined): string =>
  v === null || v === undefined || Number.isNaN(v) ? '—' : v === 0 ? '0' : v.toExponential(1);
/** 1e-2, not 1.0e-2: thresholds are powers of ten */
export const fmtThreshold = (t: number): string => t.toExponential(0);
const fmtSeconds = (s: number | null): string =>
  s === null ? '—' : s < 0.1 ? s.toPrecision(2) : s < 10 ? s.toFixed(2) : s.toFixed(1);
const fmtParams = (p: Record<string, number>): string =>
  Object.entries(p)
    .map(
      ([k, v]) =>
        `${k === 'eta0' ? 'η0' : k === 'tau' ? 'τ' : k === 'mu' ? 'μ' : k === 'xi' ? 'ξ' : k} ${+v.toPrecision(4)}`,
    )
    .join(', ');
const fmtFactor = (v: number | null, atLeast: boolean): string =>
  v === null ? '—' : `${atLeast ? '≥ ' : ''}×${v.toFixed(v < 10 ? 2 : 1)}`;

/** Key facts of the run: data, kernel, reference, machine. */
export function settingsTable(report: CompareReport): Table {
  const r = report.result;
  const ref = r.reference;
  const m = report.machine;
  const lambdas = ref.values.map((v) => +v.toPrecision(6));
  const gap = ref.values.length > r.components ? ` | λ${r.components + 1} = ${lambdas[r.components]}` : '';
  return {
    title: 'Setting',
    header: ['', ''],
    rows: [
      ['data', `${r.data.source}: l = ${r.data.l} points × ${r.data.d} features (sha256 ${r.data.hash.slice(0, 12)}…)`],
      [
        'kernel',
        `${describeKernel(r.kernel)}${r.kernelChoice === 'given' ? '' : ', σ chosen as the median pairwise distance'}`,
      ],
      ['components', `r = ${r.components}`],
      ['seed', `${r.seed} (every schedule starts from the same A and sees the same permutations)`],
      ['passes', `${r.passes} per schedule`],
      [
        'Gram rows',
        `backend ${r.backend}, ${r.gramCached ? 'K cached as f32' : 'computed on the fly'} (centering pass ${fmtSeconds(r.gramSeconds)} s)`,
      ],
      [
        'reference',
        `${ref.solver === 'exact' ? 'exact dense eigendecomposition' : 'block Krylov–Schur on the rows of K′'}` +
          `${ref.fromCache ? ' (read from the cache)' : ` (${fmtSeconds(ref.seconds)} s)`}: ` +
          `λ1..λ${r.components} = ${lambdas.slice(0, r.components).join(', ')}${gap}; tr(K′) = ${+ref.trace.toPrecision(8)}, E* = ${+ref.optimalError.toPrecision(8)}`,
      ],
      ['machine', `${m.cpu}, ${m.cores} cores, ${m.memoryMiB} MiB; Node ${m.node}, ${m.platform} ${m.arch}`],
      ['software', `kpca-hebbian ${r.softwareVersion}`],
    ],
  };
}

/** Passes (and seconds) to reach each threshold, per schedule. */
export function reachTable(report: CompareReport): Table {
  return {
    title: 'Passes to reach a relative excess reconstruction error',
    note:
      'First pass at which (E − E*)/E* ≤ the threshold, with the iteration seconds at that pass in parentheses ' +
      '(measurement excluded); — when not reached within the passes run.',
    header: [
      'schedule',
      'parameters',
      's/pass',
      ...THRESHOLDS.map((t) => `≤ ${fmtThreshold(t)}`),
      `after ${report.result.passes} passes`,
    ],
    rows: report.summary.map((s) => [
      s.gain + (s.failure ? ' (diverged)' : s.interrupted ? ' (interrupted)' : ''),
      fmtParams(s.parameters),
      fmtSeconds(s.secondsPerPass),
      ...s.reached.map((x) => (x.passes === null ? '—' : `${x.passes} (${fmtSeconds(x.seconds)} s)`)),
      fmtError(s.final?.relativeExcessError),
    ]),
  };
}

/** All measures at the last pass. */
export function finalTable(report: CompareReport): Table {
  return {
    title: 'Final measures',
    note:
      'After the last pass. Eigenvalue errors are max_i |λ_i,est − λ_i| / λ1: "raw λ̃" uses the RKHS Rayleigh quotients of the ' +
      'iterate\'s rows, paired by index; "Ritz" the Ritz values of a Rayleigh–Ritz step on span(A), which is what `kpca fit` reports. ' +
      'Orthonormality is ‖A K′ Aᵀ − I‖max of the raw iterate; the subspace error is the largest sine of the principal angles ' +
      'between span{w_i} and the exact top-r eigenspace.',
    header: [
      'schedule',
      'passes',
      'excess error',
      'eigenvalue error (raw λ̃)',
      'eigenvalue error (Ritz)',
      '‖AK′Aᵀ − I‖max',
      'subspace sin θmax',
    ],
    rows: report.summary.map((s) => [
      s.gain,
      String(s.passes),
      fmtError(s.final?.relativeExcessError),
      fmtError(s.final?.eigenvalueErrorRayleigh),
      fmtError(s.final?.eigenvalueErrorRitz),
      fmtError(s.final?.orthonormalityError),
      fmtError(s.final?.subspaceError),
    ]),
  };
}

/** Speed-ups over the baselines, in passes and in seconds, per threshold. */
export function speedUpTable(report: CompareReport): Table | null {
  const rows = report.summary.flatMap((s) =>
    BASELINES.filter((b) => b !== s.gain && report.summary.some((o) => o.gain === b)).map((b) => [
      s.gain,
      b,
      ...THRESHOLDS.map((t) => {
        const u = s.speedUps.find((x) => x.baseline === b && x.threshold === t);
        return u ? `${fmtFactor(u.passes, u.atLeast)} passes, ${fmtFactor(u.seconds, u.atLeast)} s` : '—';
      }),
    ]),
  );
  if (rows.length === 0) return null;
  return {
    title: 'Speed-up over the baselines',
    note:
      'Baseline passes (seconds) to reach the threshold divided by this schedule\'s. "≥" when the baseline did not reach it ' +
      'within the passes run: then its whole run is used, a lower bound. — when this schedule did not reach it.',
    header: ['schedule', 'over', ...THRESHOLDS.map((t) => `to ${fmtThreshold(t)}`)],
    rows,
  };
}

/** The tuning grid and its outcome. */
export function tuningTable(report: CompareReport): Table | null {
  const tuning = report.result.tuning;
  if (!tuning) return null;
  return {
    title: 'Tuning',
    note:
      `Each setting of a small grid (η0 ∈ {0.01, 0.03, 0.1, 0.3}; annealed also τ ∈ {0.1·l, l, 10·l}; smd also μ ∈ {0.3, 1, 3}) ` +
      `ran ${tuning[0]?.passes ?? '?'} passes from the same seed; the one with the lowest excess error was then run in full. ` +
      'The grid is small on purpose: it finds the order of magnitude, not an optimum.',
    header: ['schedule', 'parameters', 'excess error', 'chosen'],
    rows: tuning.flatMap((t) =>
      t.trials.map((trial) => [
        t.gain,
        fmtParams(trial.parameters as Record<string, number>),
        trial.error === null ? 'diverged' : fmtError(trial.error),
        JSON.stringify(trial.parameters) === JSON.stringify(t.best) ? '✓' : '',
      ]),
    ),
  };
}

/** The sentence on the order of the schedules (the paper's claim: smd < kha-et < annealed < constant). */
export function orderingLines(report: CompareReport): string[] {
  return THRESHOLDS.slice(1).map((t) => `By passes to ${fmtThreshold(t)}: ${orderingByPasses(report.summary, t)}.`);
}
