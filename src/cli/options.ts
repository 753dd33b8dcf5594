/**
 * Option groups shared by the commands that fit (fit, compare, spectral-cluster): kernel, gain,
 * iteration and backend flags are declared once here and turned into library options once.
 */
import { access, stat } from 'fs/promises';
import { constants } from 'fs';
import { dirname, resolve } from 'path';
import { Command, Option } from 'commander';
import { checkWritable } from '../io/atomicWrite';
import { UserError } from '../errors';
import { GAIN_NAMES, type GainName, type GainParameters } from '../kha/gains';
import type { UpdateForm } from '../kha/ops';
import { BACKEND_NAMES } from '../kernels';
import type { BackendRequest } from '../kernels/backend';
import { sigmaToGamma, type KernelSpec } from '../kernels/kernel';
import { RUN_DEFAULTS, type CheckpointPlan, type KhaRunOptions } from '../app/runOptions';
import { parseNumber } from './common';
import { labelColumnWarning } from '../app/data';
import { CERTIFICATE_TOL } from '../eval/certificate';
import type { Dataset } from '../data/dataset';
import { loadDataset } from '../data/load';
import type { LabelColumn } from '../data/readers/delimited';

const positive = (flag: string) => parseNumber(flag, { exclusiveMin: 0 });
const positiveInteger = (flag: string) => parseNumber(flag, { integer: true, min: 1 });

export interface KernelFlags {
  kernel: 'gaussian' | 'polynomial' | 'linear';
  sigma?: number;
  gamma?: number;
  degree: number;
  coef0: number;
}

export function addKernelOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--kernel <type>', 'kernel function')
        .choices(['gaussian', 'polynomial', 'linear'])
        .default('gaussian'),
    )
    .addOption(
      new Option('--sigma <σ>', 'Gaussian width: k(x,x′) = exp(−‖x−x′‖²/(2σ²)) (default: median pairwise distance)')
        .argParser(positive('--sigma'))
        .conflicts('gamma'),
    )
    .addOption(new Option('--gamma <γ>', 'Gaussian γ = 1/(2σ²), as scikit-learn').argParser(positive('--gamma')))
    .addOption(
      new Option('--degree <d>', 'polynomial degree: k = (x·x′ + coef0)^d')
        .argParser(positiveInteger('--degree'))
        .default(3),
    )
    .addOption(new Option('--coef0 <c>', 'polynomial offset').argParser(parseNumber('--coef0')).default(1));
}

/** The kernel the flags ask for; undefined for a Gaussian without a width (the fit chooses it). */
export function kernelFromFlags(flags: KernelFlags): KernelSpec | undefined {
  switch (flags.kernel) {
    case 'gaussian':
      if (flags.gamma !== undefined) return { type: 'gaussian', gamma: flags.gamma };
      if (flags.sigma !== undefined) return { type: 'gaussian', gamma: sigmaToGamma(flags.sigma) };
      return undefined;
    case 'polynomial':
      return { type: 'polynomial', degree: flags.degree, coef0: flags.coef0 };
    case 'linear':
      return { type: 'linear' };
  }
}

export interface GainFlags {
  eta0?: number;
  tau?: number;
  mu?: number;
  xi?: number;
}

export function addGainParameterOptions(
  cmd: Command,
  eta0Help = 'base gain (defaults: constant 0.03, annealed 0.3, kha-et 0.03, smd 0.03; polynomial and linear kernels: of K′ scaled to unit diagonal)',
): Command {
  return cmd
    .addOption(new Option('--eta0 <η0>', eta0Help).argParser(positive('--eta0')))
    .addOption(
      new Option('--tau <τ>', 'annealed: η0·τ/(t+τ) (default: the number of points)').argParser(positive('--tau')),
    )
    .addOption(new Option('--mu <μ>', 'smd: meta-gain of the log-gains (default 1)').argParser(positive('--mu')))
    .addOption(
      new Option('--xi <ξ>', 'smd: decay of the gradient trace, in (0, 1) (default 0.99)').argParser(positive('--xi')),
    );
}

export function gainParametersFromFlags(flags: GainFlags): GainParameters {
  return { eta0: flags.eta0, tau: flags.tau, mu: flags.mu, xi: flags.xi };
}

export function gainOption(defaultGain: GainName = 'smd'): Option {
  return new Option('--gain <schedule>', 'gain schedule: constant, annealed (1/t), kha-et, smd')
    .choices([...GAIN_NAMES])
    .default(defaultGain);
}

export interface IterationFlags {
  components?: number;
  /** 'auto' only for the commands that offer it (fit) */
  passes: number | 'auto';
  maxPasses?: number;
  maxSeconds?: number;
  seed: number;
  backend: BackendRequest;
  threads?: number;
  blockSize: number;
  update?: UpdateForm;
  gramCache: number;
  memoryLimit?: number;
}

/**
 * `components: undefined` leaves -r without a default (the command decides; `componentsHelp` says how).
 * `maxPasses`: the command offers `--passes auto` (until the certificate says converged) and --max-passes.
 */
export function addIterationOptions(
  cmd: Command,
  defaults: { components?: number; passes: number | 'auto'; maxPasses?: number; componentsHelp?: string },
): Command {
  const components = new Option('-r, --components <r>', defaults.componentsHelp ?? 'number of components').argParser(
    positiveInteger('--components'),
  );
  if (defaults.components !== undefined) components.default(defaults.components);
  const passes =
    defaults.maxPasses === undefined
      ? new Option('--passes <n>', 'maximum passes through the data').argParser(positiveInteger('--passes'))
      : new Option(
          '--passes <n|auto>',
          'passes through the data; auto: until the convergence certificate passes (checked at a few passes), at most --max-passes',
        ).argParser((value: string) => (value === 'auto' ? value : positiveInteger('--passes')(value)));
  cmd.addOption(components).addOption(passes.default(defaults.passes));
  if (defaults.maxPasses !== undefined)
    cmd.addOption(
      new Option('--max-passes <n>', 'the most passes --passes auto runs')
        .argParser(positiveInteger('--max-passes'))
        .default(defaults.maxPasses),
    );
  return cmd
    .addOption(new Option('--max-seconds <s>', 'stop iterating after s seconds').argParser(positive('--max-seconds')))
    .addOption(
      new Option('--seed <n>', 'seed of the generator (initial A, permutations)')
        .argParser(parseNumber('--seed', { integer: true, min: 0, max: 2 ** 32 - 1 }))
        .default(RUN_DEFAULTS.seed),
    )
    .addOption(
      new Option(
        '--backend <name>',
        'Gram-row backend: auto (fastest correct here), reference (float64 TypeScript), wasm (WebAssembly SIMD), or a gpu.js mode',
      )
        .choices(['auto', ...BACKEND_NAMES])
        .default(RUN_DEFAULTS.backend),
    )
    .addOption(
      new Option(
        '--threads <n>',
        'threads for the wasm Gram rows and the block products of the update (default: the available cores; results do not depend on it)',
      ).argParser(positiveInteger('--threads')),
    )
    .addOption(
      new Option(
        '--block-size <B>',
        'rows per block: Gram rows per backend call, and the samples whose r × l work the blocked update takes at once (docs/BENCHMARKS.md measured 32–128)',
      )
        .argParser(positiveInteger('--block-size'))
        .default(RUN_DEFAULTS.blockSize),
    )
    .addOption(
      new Option(
        '--update <form>',
        "how a step is carried out: factored (r × l sweeps every step) or blocked (a block's r × l work as matrix products on --threads); results equal to rounding",
      ).choices(['factored', 'blocked']),
    )
    .addOption(
      new Option(
        '--gram-cache <MiB>',
        'keep the f32 Gram matrix in memory when it fits this budget (0: rows on the fly)',
      )
        .argParser(parseNumber('--gram-cache', { min: 0 }))
        .default(RUN_DEFAULTS.gramCacheMB),
    )
    .addOption(
      new Option(
        '--memory-limit <MiB>',
        'refuse up front a run planned to need more memory (default: 90% of physical memory or of the container (cgroup) limit)',
      ).argParser(positive('--memory-limit')),
    );
}

/** --tol, for the commands that may stop early (not compare: there every schedule runs the same passes); --certificate-tol. */
export function addToleranceOption(cmd: Command): Command {
  return cmd
    .addOption(
      new Option('--tol <t>', 'stop when a pass changes the eigenvalue estimates by less than t·λ1').argParser(
        positive('--tol'),
      ),
    )
    .addOption(
      new Option('--certificate-tol <t>', 'warn (and JSON "converged": false) when a residual bound exceeds t·λ1')
        .argParser(positive('--certificate-tol'))
        .default(CERTIFICATE_TOL),
    );
}

export interface CheckpointFlags {
  checkpoint?: string;
  checkpointEvery?: { everyPasses?: number; everySeconds?: number };
  resume?: string;
}

/** `--checkpoint-every 5` (passes) or `--checkpoint-every 30s` (seconds). */
function parseCheckpointEvery(value: string): { everyPasses?: number; everySeconds?: number } {
  const match = /^(\d+(?:\.\d+)?)(s?)$/.exec(value.trim());
  if (!match || !(Number(match[1]) > 0))
    throw new UserError(`--checkpoint-every: expected N (passes) or Ns (seconds), got "${value}"`);
  return match[2] ? { everySeconds: Number(match[1]) } : { everyPasses: Math.ceil(Number(match[1])) };
}

/** --checkpoint, --checkpoint-every and --resume, for the commands that iterate long. */
export function addCheckpointOptions(cmd: Command, what: string, defaultPath: string): Command {
  return cmd
    .option('--checkpoint <file>', `checkpoint file (default when interrupted: ${defaultPath})`)
    .addOption(
      new Option(
        '--checkpoint-every <N|Ns>',
        'write a checkpoint every N passes or every N seconds (e.g. 30s)',
      ).argParser(parseCheckpointEvery),
    )
    .option('--resume <checkpoint>', `continue an interrupted ${what} (same data and options)`);
}

/** The checkpoint plan of a command's flags, written to `defaultPath` unless --checkpoint says otherwise. */
export function checkpointPlan(flags: CheckpointFlags, defaultPath: string): CheckpointPlan {
  return { path: flags.checkpoint ?? defaultPath, ...flags.checkpointEvery };
}

/**
 * The library options every KHA command shares, from its flags (kernel, gain parameters, passes,
 * limits, seed, backend, Gram cache, memory limit). `gain` and `tol` are left to the command:
 * compare runs several gains and has no --tol.
 */
export function runOptionsFromFlags(flags: KernelFlags & GainFlags & IterationFlags): KhaRunOptions {
  return {
    kernel: kernelFromFlags(flags),
    gainParameters: gainParametersFromFlags(flags),
    passes: flags.passes as number, // 'auto' only where the command offers it (fit reads it itself)
    maxSeconds: flags.maxSeconds,
    seed: flags.seed,
    backend: flags.backend,
    threads: flags.threads,
    blockSize: flags.blockSize,
    update: flags.update,
    gramCacheMB: flags.gramCache,
    memoryLimitMB: flags.memoryLimit,
  };
}

export function requireOutput(path: string | undefined, flag = '-o, --output <file>'): string {
  if (!path) throw new UserError(`missing ${flag}`);
  return path;
}

/**
 * Refuse, before any work, an output the command could not write: its folder missing or not
 * writable, or the path a folder (`dir`: the output is a folder, made if needed: its nearest existing
 * parent must be writable). `-` (stdout) passes. Errors name the user's path.
 */
export async function checkOutputPath(path: string, kind: 'file' | 'dir' = 'file'): Promise<void> {
  if (path === '-') return;
  if (kind === 'file') return checkWritable(path);
  const stats = await stat(path).catch(() => undefined);
  if (stats && !stats.isDirectory()) throw new UserError(`${path}: exists and is not a directory`);
  // the folder is made when the output is written: the nearest existing ancestor must be writable
  let folder = stats ? path : dirname(resolve(path));
  while (!(await stat(folder).catch(() => undefined))) folder = dirname(folder);
  await access(folder, constants.W_OK).catch(() => {
    throw new UserError(`${path}: cannot write there: permission denied on ${folder}`);
  });
}

export interface DataFlags {
  labelColumn?: LabelColumn;
  features?: number;
}

/** --label-column, --no-label-column and --features: how every command that reads data reads it. */
export function addDataOptions(cmd: Command): Command {
  return cmd
    .addOption(
      new Option(
        '--label-column <name|number>',
        'CSV/TSV: the label column, by header name or 1-based number (default: a column named label, class or y)',
      ),
    )
    .addOption(new Option('--no-label-column', 'CSV/TSV: no column holds labels, even one named label, class or y'))
    .addOption(
      new Option('--features <n>', 'LIBSVM: the number of features (default: the largest index in the file)').argParser(
        positiveInteger('--features'),
      ),
    );
}

/**
 * Load the data a command reads, as its data flags say, and warn (unless quiet) when a default label
 * column looks like a feature. `width`: the features a model expects (LIBSVM files are read that wide).
 */
export async function loadInput(source: string, flags: DataFlags, quiet?: boolean, width?: number): Promise<Dataset> {
  const dataset = await loadDataset(source, { labelColumn: flags.labelColumn, features: flags.features ?? width });
  if (flags.features !== undefined && dataset.d !== flags.features)
    throw new UserError(
      `${source}: --features ${flags.features}, but the file has ${dataset.d} feature columns (--features is for LIBSVM files)`,
    );
  const warning = labelColumnWarning(dataset, flags.labelColumn);
  if (warning && !quiet) process.stderr.write(`kpca: warning: ${warning}\n`);
  return dataset;
}
