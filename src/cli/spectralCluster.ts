import { Command, Option } from 'commander';
import {
  formatAssignments,
  spectralCluster,
  SPECTRAL_DEFAULTS,
  writeAssignments,
  type Clustering,
  type SpectralClusterResult,
} from '../app/spectralCluster';
import { CLUSTERING_MEASURES, type ClusteringScores } from '../eval/clustering';
import { buildClusteringReport, clusteringPage, writeReportFiles } from '../report';
import { describeKernel } from '../kernels/kernel';
import { UserError } from '../errors';
import { action, addOutputOptions, interruptOnSignals, parseNumber, printJson } from './common';
import {
  addCheckpointOptions,
  addGainParameterOptions,
  addIterationOptions,
  addToleranceOption,
  addKernelOptions,
  checkpointPlan,
  checkOutputPath,
  gainOption,
  runOptionsFromFlags,
  type CheckpointFlags,
  type GainFlags,
  type IterationFlags,
  type KernelFlags,
  addDataOptions,
  loadInput,
  type DataFlags,
} from './options';
import { createProgress } from './progress';
import { certificateJson, certificateLines, FIT_ADVICE, warnCertificate } from './certificate';

interface SpectralFlags extends DataFlags, KernelFlags, GainFlags, IterationFlags, CheckpointFlags {
  tol?: number;
  certificateTol: number;
  clusters: number;
  gain: string;
  restarts: number;
  output?: string;
  out?: string;
  reference?: 'exact';
  perPass?: boolean;
  report?: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** Where an interrupted run without -o writes its checkpoint (in the working directory). */
const DEFAULT_CHECKPOINT = 'spectral-cluster.checkpoint';

export function registerSpectralClusterCommand(program: Command): void {
  const cmd = program
    .command('spectral-cluster')
    .summary('spectral clustering (Ng, Jordan & Weiss) with KHA eigenvectors of the normalized affinity')
    .description(
      'Spectral clustering (Ng, Jordan & Weiss 2001) with the Kernel Hebbian Algorithm.\n\n' +
        'The affinity W is the kernel with a zero diagonal; one pass computes the degrees D (and caches W when it\n' +
        'fits --gram-cache). KHA finds the top eigenvectors of K̃ = D^-1/2 W D^-1/2 (not centered; the top one has\n' +
        'eigenvalue 1), a Rayleigh–Ritz step finishes them, each point is embedded as its entries of those\n' +
        'eigenvectors (scaled by √λ) normalized to unit length, and seeded k-means++ (--restarts) clusters the\n' +
        'embedding. With labels (USPS, MNIST, or --label-column) it prints variation of information (nats,\n' +
        'lower is better), NMI (arithmetic), adjusted Rand index and matched accuracy; --reference exact runs the\n' +
        'same pipeline on exact eigenvectors of the same K̃ and prints both side by side.',
    )
    .argument('<data>', 'data file, - for stdin, or a built-in set (mnist:2000, usps, usps-test)')
    .requiredOption('-k, --clusters <k>', 'number of clusters', parseNumber('--clusters', { integer: true, min: 2 }))
    .option(
      '-o, --output <csv>',
      'write index,cluster[,label] (index 0-based, in data order) to this file (atomically; .gz compresses; - for stdout, the summary then goes to stderr)',
    )
    .addOption(new Option('--out <csv>').hideHelp());
  addDataOptions(cmd);
  addKernelOptions(cmd);
  cmd.addOption(gainOption(SPECTRAL_DEFAULTS.gain));
  addGainParameterOptions(
    cmd,
    'base gain (default for smd and kha-et: 0.3 / rms row norm of K̃, e.g. about 12 on USPS at σ = 8; others: as kpca fit)',
  );
  addIterationOptions(cmd, {
    passes: SPECTRAL_DEFAULTS.passes,
    componentsHelp: 'eigenvectors in the embedding (default: the number of clusters)',
  });
  addToleranceOption(cmd);
  cmd
    .addOption(
      new Option('--restarts <n>', 'k-means++ seedings; the lowest inertia is kept')
        .argParser(parseNumber('--restarts', { integer: true, min: 1 }))
        .default(SPECTRAL_DEFAULTS.restarts),
    )
    .addOption(
      new Option('--reference <solver>', 'also cluster with exact eigenvectors of the same K̃ and compare').choices([
        'exact',
      ]),
    )
    .option(
      '--per-pass',
      'after every pass, cluster the current eigenvectors and print the scores (needs labels; not timed)',
    )
    .option(
      '--report <dir>',
      'write report.json, report.md and report.html (scores, per-pass series and plot) to this folder; implies --per-pass',
    )
    .option('-v, --verbose', 'say which backend runs and how the affinity is held');
  addCheckpointOptions(cmd, 'run', `<output>.checkpoint, or ${DEFAULT_CHECKPOINT} without -o`);
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  kpca spectral-cluster data/blobs.csv -k 3 -o clusters.csv
  kpca spectral-cluster usps-test -k 10 --sigma 8 --passes 20 --reference exact
  kpca spectral-cluster usps -k 10 --sigma 8 --gain smd --eta0 10 --per-pass --json > usps-sc.json
  kpca spectral-cluster points.csv -k 5 --gamma 0.5 --label-column class -o clusters.csv
  kpca spectral-cluster usps-test -k 10 --sigma 8 --reference exact --report out/usps-test-clusters

Gains: the eigenvalues of K̃ are at most 1, far below those of a centered Gram matrix, so kpca fit's
--eta0 (0.03) would barely move the iterate here. For smd and kha-et the default is η0 = 0.3 / rms‖k̃_p‖,
measured on USPS and small blobs (docs/results/spectral-usps.md); --verbose prints the value used.
If a run diverges (exit code 3), lower --eta0.

Ctrl-C stops at the next block and writes a checkpoint (exit code 130); run the same command with
--resume <checkpoint> to go on. The per-pass scores so far are kept in the checkpoint.`,
  );
  cmd.action(
    action(async (data: string, flags: SpectralFlags) => {
      const output = flags.output ?? flags.out;
      if (output === '-' && flags.json)
        throw new UserError('--json and -o - both write to stdout: give -o a file name, or leave out one of them');
      if (output) await checkOutputPath(output);
      if (flags.report) await checkOutputPath(flags.report, 'dir');
      const progress = createProgress({
        quiet: flags.quiet,
        json: flags.json,
        verbose: flags.verbose,
        passes: flags.passes,
      });
      const dataset = await loadInput(data, flags, flags.quiet);
      progress.note(
        `${dataset.source}: ${dataset.l} points × ${dataset.d} features${dataset.labels ? ', labelled' : ''}`,
      );
      const interrupt = interruptOnSignals('stopping at the next block and writing a checkpoint');
      const result = await spectralCluster(dataset, {
        ...runOptionsFromFlags(flags),
        signal: interrupt.signal,
        checkpoint: checkpointPlan(flags, output && output !== '-' ? `${output}.checkpoint` : DEFAULT_CHECKPOINT),
        resumeFrom: flags.resume,
        gain: flags.gain as never,
        tol: flags.tol,
        certificateTol: flags.certificateTol,
        clusters: flags.clusters,
        components: flags.components,
        restarts: flags.restarts,
        reference: flags.reference,
        perPass: flags.perPass || flags.report !== undefined,
        onEvent: (e) => {
          if (e.type === 'clustering') progress.note(`  pass ${e.pass} clustering: ${scoresLine(e.scores)}`);
          else progress.onEvent(e);
        },
      }).finally(() => {
        interrupt.release();
        progress.stop();
      });
      if (output === '-') process.stdout.write(formatAssignments(result.kha.assignments, dataset.labels));
      else if (output) await writeAssignments(output, result.kha.assignments, dataset.labels);
      if (flags.report) {
        const report = buildClusteringReport(
          result,
          { source: dataset.source, points: dataset.l, features: dataset.d },
          `kpca ${process.argv.slice(2).join(' ')}`,
        );
        await writeReportFiles(flags.report, report, clusteringPage(report), true);
      }
      warnCertificate(result.kha.certificate, flags.quiet, FIT_ADVICE);
      if (flags.json) printJson(toJson(result, output));
      else if (!flags.quiet) (output === '-' ? process.stderr : process.stdout).write(summary(result, output));
    }),
  );
}

function scoresLine(s: ClusteringScores): string {
  return `VI ${s.variationOfInformation.toFixed(4)}, NMI ${s.normalizedMutualInformation.toFixed(4)}, ARI ${s.adjustedRandIndex.toFixed(4)}, accuracy ${s.accuracy.toFixed(4)}`;
}

/** The text report: settings, then the pipelines side by side (scores, eigenvalues), then the per-pass series. */
export function summary(result: SpectralClusterResult, output?: string): string {
  const { kha, exact } = result;
  const columns: [string, Clustering][] = [[`KHA (${result.gain.name})`, kha]];
  if (exact) columns.push([`exact (${exact.solver})`, exact]);
  const width = 19;
  const row = (name: string, cells: string[]) =>
    `  ${name.padEnd(30)}${cells.map((c) => c.padStart(width)).join('')}\n`;
  let text =
    `kernel: ${describeKernel(result.kernel)}, k = ${result.clusters}, ${result.components} eigenvectors, backend ${result.backend}\n` +
    `gain: ${result.gain.name} ${JSON.stringify(result.gain.parameters)}, seed ${result.seed}, k-means restarts ${result.restarts}\n` +
    `KHA: ${kha.passes} passes (stopped by ${kha.stoppedBy}), ${kha.seconds.toFixed(2)} s iterating + ${result.affinitySeconds.toFixed(2)} s affinity` +
    `${exact ? `; exact eigenvectors ${exact.seconds.toFixed(2)} s` : ''}\n` +
    (output ? `assignments: ${output}\n` : '') +
    row(
      '',
      columns.map(([name]) => name),
    );
  if (kha.scores)
    for (const [key, label] of CLUSTERING_MEASURES)
      text += row(
        label,
        columns.map(([, c]) => (c.scores as ClusteringScores)[key].toFixed(4)),
      );
  else text += '  (no labels: no scores)\n';
  text += row(
    'k-means inertia',
    columns.map(([, c]) => c.inertia.toPrecision(6)),
  );
  for (let i = 0; i < result.components; i++)
    text += row(
      `λ${i + 1} of K̃`,
      columns.map(([, c]) => c.eigenvalues[i].toFixed(6)),
    );
  text += `KHA eigenvalues of K̃ with their error bounds (ℓ2):\n${certificateLines(kha.certificate).join('\n')}\n`;
  if (result.perPass) {
    text +=
      'per pass (KHA iterate, Rayleigh–Ritz, k-means):\n' +
      `  ${'pass'.padStart(4)} ${'seconds'.padStart(9)} ${'VI'.padStart(8)} ${'NMI'.padStart(8)} ${'ARI'.padStart(8)} ${'accuracy'.padStart(9)}\n`;
    for (const p of result.perPass) {
      const s = p.scores;
      text += `  ${String(p.pass).padStart(4)} ${p.seconds.toFixed(2).padStart(9)} ${s.variationOfInformation.toFixed(4).padStart(8)} ${s.normalizedMutualInformation.toFixed(4).padStart(8)} ${s.adjustedRandIndex.toFixed(4).padStart(8)} ${s.accuracy.toFixed(4).padStart(9)}\n`;
    }
  }
  return text;
}

function toJson(result: SpectralClusterResult, output?: string) {
  const pipeline = (c: Clustering) => ({
    eigenvalues: Array.from(c.eigenvalues),
    inertia: c.inertia,
    scores: c.scores ?? null,
  });
  const { kha, exact } = result;
  return {
    assignments: output ?? null,
    kernel: result.kernel,
    clusters: result.clusters,
    components: result.components,
    gain: result.gain,
    seed: result.seed,
    restarts: result.restarts,
    backend: result.backend,
    affinitySeconds: result.affinitySeconds,
    affinityCached: result.affinityCached,
    ...certificateJson(kha.certificate),
    kha: {
      ...pipeline(kha),
      passes: kha.passes,
      steps: kha.steps,
      seconds: kha.seconds,
      secondsPerPass: kha.passes > 0 ? kha.seconds / kha.passes : null,
      stoppedBy: kha.stoppedBy,
    },
    exact: exact ? { ...pipeline(exact), solver: exact.solver, seconds: exact.seconds } : null,
    perPass: result.perPass ?? null,
  };
}
