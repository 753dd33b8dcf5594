/**
 * Vega-Lite specifications of the report's plots, built from the series (pure data: no vega here,
 * so this module loads in jest; plots.ts renders them).
 */
import type { CompareResult } from '../app/compare';

export interface Plot {
  id: string;
  caption: string;
  spec: Record<string, unknown>;
}

const WIDTH = 560;
const HEIGHT = 300;
/** Log scales cannot show 0 or negative values (an excess error at the f32 rounding floor can be ≤ 0). */
const positive = (v: number) => Number.isFinite(v) && v > 0;

function lineChart(
  values: object[],
  x: { field: string; title: string },
  y: { title: string },
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: { size: 25 }, strokeWidth: 1.5 },
    encoding: {
      x: { field: x.field, type: 'quantitative', title: x.title, scale: { nice: false } },
      y: { field: 'value', type: 'quantitative', title: y.title, scale: { type: 'log' }, axis: { format: '.0e' } },
      color: { field: 'schedule', type: 'nominal', title: 'schedule' },
      ...extra,
    },
  };
}

export function buildPlots(result: CompareResult): Plot[] {
  const perPass = result.schedules.flatMap((s) => s.series.map((m) => ({ schedule: s.gain, ...m })));
  const excess = perPass
    .filter((m) => positive(m.relativeExcessError))
    .map((m) => ({ schedule: m.schedule, pass: m.pass, seconds: m.seconds, value: m.relativeExcessError }));
  const measure = (name: string, pick: (m: (typeof perPass)[number]) => number) =>
    perPass
      .filter((m) => positive(pick(m)))
      .map((m) => ({ schedule: m.schedule, pass: m.pass, measure: name, value: pick(m) }));
  // The first measure named is drawn solid, the second dashed (the captions say which is which).
  const dashed = (solid: string, dash: string) => ({
    strokeDash: {
      field: 'measure',
      type: 'nominal',
      title: 'measure',
      scale: {
        domain: [solid, dash],
        range: [
          [1, 0],
          [5, 3],
        ],
      },
      legend: { labelLimit: 260 },
    },
    // Points differ too, so that the legend (which draws points for a line-with-points mark) tells them apart.
    shape: {
      field: 'measure',
      type: 'nominal',
      title: 'measure',
      scale: { domain: [solid, dash], range: ['circle', 'square'] },
    },
  });
  const RAW = 'raw Rayleigh quotients λ̃';
  const RITZ = 'Ritz values (after Rayleigh–Ritz)';
  const SUBSPACE = 'subspace sin θmax';
  const ORTHO = '‖AK′Aᵀ − I‖max';
  const eigenvalueErrors = [
    ...measure(RAW, (m) => m.eigenvalueErrorRayleigh),
    ...measure(RITZ, (m) => m.eigenvalueErrorRitz),
  ];
  const structure = [...measure(SUBSPACE, (m) => m.subspaceError), ...measure(ORTHO, (m) => m.orthonormalityError)];
  // Gains differ per component only for smd; the geometric mean summarises them all on one axis.
  const gains = perPass
    .filter((m) => m.gains.length > 0 && m.gains.every(positive))
    .map((m) => ({
      schedule: m.schedule,
      pass: m.pass,
      value: Math.exp(m.gains.reduce((s, g) => s + Math.log(g), 0) / m.gains.length),
    }));

  return [
    {
      id: 'error-passes',
      caption: 'Relative excess RKHS reconstruction error (E − E*)/E* after each pass (pass 0: the common initial A).',
      spec: lineChart(excess, { field: 'pass', title: 'passes' }, { title: '(E − E*)/E*' }),
    },
    {
      id: 'error-seconds',
      caption: 'The same against iteration seconds on this machine (measurement excluded).',
      spec: lineChart(excess, { field: 'seconds', title: 'seconds of iteration' }, { title: '(E − E*)/E*' }),
    },
    {
      id: 'eigenvalue-error',
      caption:
        'Eigenvalue error max_i |λ_i,est − λ_i|/λ1: raw RKHS Rayleigh quotients λ̃ of the iterate (solid, circles) and Ritz values after a Rayleigh–Ritz step on span(A) (dashed, squares).',
      spec: lineChart(
        eigenvalueErrors,
        { field: 'pass', title: 'passes' },
        { title: 'eigenvalue error / λ1' },
        dashed(RAW, RITZ),
      ),
    },
    {
      id: 'subspace',
      caption:
        'Largest principal-angle sine between span{w_i} and the exact top-r eigenspace (solid, circles), and orthonormality ‖A K′ Aᵀ − I‖max (dashed, squares).',
      spec: lineChart(structure, { field: 'pass', title: 'passes' }, { title: 'error' }, dashed(SUBSPACE, ORTHO)),
    },
    {
      id: 'gains',
      caption: 'Gains at the last step of each pass (geometric mean over the r components).',
      spec: lineChart(gains, { field: 'pass', title: 'passes' }, { title: 'gain' }),
    },
    {
      id: 'eigenvalues',
      caption:
        'Eigenvalue estimates over passes: the raw Rayleigh quotients λ̃_i of each row of the iterate (colour: component), with the exact λ_i as grey rules.',
      spec: eigenvalueFacets(result),
    },
  ];
}

/** One small panel per schedule: λ̃_i over passes, and the exact λ_i as rules. */
function eigenvalueFacets(result: CompareResult): Record<string, unknown> {
  const r = result.components;
  const rows: object[] = [];
  for (const s of result.schedules) {
    for (const m of s.series)
      m.rayleighQuotients.forEach(
        (v, i) =>
          positive(v) && rows.push({ schedule: s.gain, pass: m.pass, component: i + 1, value: v, kind: 'estimate' }),
      );
    result.reference.values
      .slice(0, r)
      .forEach((v, i) => rows.push({ schedule: s.gain, component: i + 1, value: v, kind: 'exact' }));
  }
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    data: { values: rows },
    facet: { field: 'schedule', type: 'nominal', title: null, sort: result.schedules.map((s) => s.gain) },
    columns: 2,
    spec: {
      width: 300,
      height: 220,
      layer: [
        {
          transform: [{ filter: "datum.kind === 'exact'" }],
          mark: { type: 'rule', color: '#bbb', strokeDash: [3, 3] },
          encoding: { y: { field: 'value', type: 'quantitative' } },
        },
        {
          transform: [{ filter: "datum.kind === 'estimate'" }],
          mark: { type: 'line', strokeWidth: 1.2 },
          encoding: {
            x: { field: 'pass', type: 'quantitative', title: 'passes' },
            y: { field: 'value', type: 'quantitative', title: 'λ̃_i', scale: { type: 'log' } },
            color: { field: 'component', type: 'ordinal', title: 'i', scale: { scheme: 'viridis' } },
          },
        },
      ],
    },
    resolve: { scale: { y: 'shared' } },
  };
}
