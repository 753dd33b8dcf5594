/**
 * The spectral-clustering report (`kpca spectral-cluster --report DIR`): the setting, KHA's scores
 * next to the exact-eigenvector pipeline's, and the per-pass series (clustering quality after each
 * KHA pass) as a table and a plot, so one can see how many passes clustering needs.
 */
import type { SpectralClusterResult } from '../app/spectralCluster';
import { CLUSTERING_MEASURES } from '../eval/clustering';
import { describeKernel } from '../kernels/kernel';
import { machineInfo, type MachineInfo } from './machine';
import type { Page } from './page';
import type { Plot } from './plotSpecs';
import type { Table } from './report';

export const CLUSTERING_REPORT_FORMAT = 'kpca-cluster-report';

/** report.json: everything but the assignments (those go to -o). */
export interface ClusteringReport {
  format: typeof CLUSTERING_REPORT_FORMAT;
  version: 1;
  createdAt: string;
  command?: string;
  machine: MachineInfo;
  data: { source: string; points: number; features: number };
  result: Omit<SpectralClusterResult, 'kha' | 'exact'> & {
    kha: Omit<SpectralClusterResult['kha'], 'assignments' | 'eigenvalues'> & { eigenvalues: number[] };
    exact?: Omit<NonNullable<SpectralClusterResult['exact']>, 'assignments' | 'eigenvalues'> & {
      eigenvalues: number[];
    };
  };
}

export function buildClusteringReport(
  result: SpectralClusterResult,
  data: ClusteringReport['data'],
  command?: string,
): ClusteringReport {
  const strip = <T extends { assignments: Int32Array; eigenvalues: Float64Array }>({
    assignments,
    eigenvalues,
    ...rest
  }: T) => ({
    ...rest,
    eigenvalues: Array.from(eigenvalues),
  });
  return {
    format: CLUSTERING_REPORT_FORMAT,
    version: 1,
    createdAt: new Date().toISOString(),
    command,
    machine: machineInfo(),
    data,
    result: { ...result, kha: strip(result.kha), exact: result.exact ? strip(result.exact) : undefined },
  };
}

const f4 = (v: number | undefined) => (v === undefined ? '—' : v.toFixed(4));

export function clusteringPage(report: ClusteringReport): Page {
  const r = report.result;
  const setting: Table = {
    title: 'Setting',
    header: ['', ''],
    rows: [
      ['data', `${report.data.source}: ${report.data.points} points × ${report.data.features} features`],
      ['kernel', describeKernel(r.kernel)],
      ['clusters, eigenvectors', `k = ${r.clusters}, ${r.components} eigenvectors of K̃ = D^-1/2 W D^-1/2`],
      [
        'KHA',
        `${r.gain.name} ${JSON.stringify(r.gain.parameters)}, seed ${r.seed}, ${r.kha.passes} passes (${r.kha.seconds.toFixed(2)} s), backend ${r.backend}`,
      ],
      ['k-means', `k-means++, ${r.restarts} seeded restarts`],
      ['machine', `${report.machine.cpu}, ${report.machine.cores} cores; Node ${report.machine.node}`],
    ],
  };
  const scores: Table = {
    title: 'Scores against the labels',
    header: [
      'measure',
      `KHA (${r.gain.name}, ${r.kha.passes} passes)`,
      ...(r.exact ? [`exact eigenvectors (${r.exact.solver})`] : []),
    ],
    rows: CLUSTERING_MEASURES.map(([key, name]) => [
      name,
      f4(r.kha.scores?.[key]),
      ...(r.exact ? [f4(r.exact.scores?.[key])] : []),
    ]),
  };
  const perPass: Table | null = r.perPass?.length
    ? {
        title: 'After each pass',
        note: 'k-means on the embedding of the current KHA iterate (after a Rayleigh–Ritz step); seconds of KHA iteration, measurement excluded.',
        header: ['pass', 'seconds', ...CLUSTERING_MEASURES.map(([, name]) => name)],
        rows: r.perPass.map((p) => [
          String(p.pass),
          p.seconds.toFixed(2),
          ...CLUSTERING_MEASURES.map(([key]) => f4(p.scores[key])),
        ]),
      }
    : null;
  return {
    title: `kpca spectral-cluster: ${report.data.source}`,
    command: report.command,
    createdAt: report.createdAt,
    sections: [
      { table: setting },
      { table: scores },
      ...(perPass ? [{ table: perPass }, { plots: [viPlot(report)] }] : []),
    ],
  };
}

function viPlot(report: ClusteringReport): Plot {
  const r = report.result;
  const values = (r.perPass ?? []).map((p) => ({
    pass: p.pass,
    VI: p.scores.variationOfInformation,
    series: `KHA (${r.gain.name})`,
  }));
  const exactVI = r.exact?.scores?.variationOfInformation;
  if (exactVI !== undefined)
    for (const p of r.perPass ?? []) values.push({ pass: p.pass, VI: exactVI, series: 'exact eigenvectors' });
  return {
    id: 'vi-per-pass',
    caption:
      'Variation of information against the labels after each KHA pass (lower is better); the exact-eigenvector pipeline as a flat reference line.',
    spec: {
      $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
      width: 560,
      height: 300,
      data: { values },
      mark: { type: 'line', point: { size: 25 }, strokeWidth: 1.5 },
      encoding: {
        x: { field: 'pass', type: 'quantitative', title: 'passes' },
        y: { field: 'VI', type: 'quantitative', title: 'VI (nats)', scale: { zero: false } },
        color: { field: 'series', type: 'nominal', title: '' },
      },
    },
  };
}
