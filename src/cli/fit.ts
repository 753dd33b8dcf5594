import { Command, Option } from 'commander';
import { fit, FIT_DEFAULTS } from '../app/fit';
import { describeKernel, gammaToSigma } from '../kernels/kernel';
import { saveModel } from '../model/modelFile';
import { UserError } from '../errors';
import type { Certificate } from '../eval/certificate';
import { action, addOutputOptions, interruptOnSignals, printJson } from './common';
import {
  addCheckpointOptions,
  addGainParameterOptions,
  addIterationOptions,
  addToleranceOption,
  addKernelOptions,
  checkpointPlan,
  gainOption,
  runOptionsFromFlags,
  requireOutput,
  checkOutputPath,
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

interface FitFlags extends DataFlags, KernelFlags, GainFlags, IterationFlags, CheckpointFlags {
  tol?: number;
  certificateTol: number;
  output?: string;
  out?: string;
  gain: string;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  raw?: boolean;
  resident?: boolean;
}

export function registerFitCommand(program: Command): void {
  const cmd = program
    .command('fit')
    .summary('fit kernel PCA to a data set with the Kernel Hebbian Algorithm')
    .description(
      'Fit kernel PCA with the Kernel Hebbian Algorithm (KHA) and save the model.\n\n' +
        'The data are streamed from a CSV/TSV, USPS or LIBSVM file (gzip allowed), stdin (-), or a built-in set\n' +
        '(mnist:N, mnist:N:14, usps, usps-test). One pass computes the centering statistics (and caches the Gram\n' +
        'matrix when it fits --gram-cache); then each pass presents every point once in a seeded random order.\n' +
        'The fit ends with a Rayleigh–Ritz step, so the eigenvalues are those of the centered Gram matrix K′\n' +
        "(the scale of scikit-learn's KernelPCA.eigenvalues_).",
    )
    .argument('<data>', 'data file, - for stdin, or a built-in set (mnist:2000, usps)')
    .option('-o, --output <model>', 'model file to write (atomically)')
    .addOption(new Option('--out <model>').hideHelp());
  addDataOptions(cmd);
  addKernelOptions(cmd);
  cmd.addOption(gainOption(FIT_DEFAULTS.gain));
  addGainParameterOptions(
    cmd,
    'base gain (defaults: constant 0.03, annealed 0.3, kha-et 0.1, smd 0.03; polynomial and linear kernels: of K′ scaled to unit diagonal)',
  );
  addIterationOptions(cmd, {
    components: FIT_DEFAULTS.components,
    passes: FIT_DEFAULTS.passes,
    maxPasses: FIT_DEFAULTS.maxPasses,
  });
  addToleranceOption(cmd);
  cmd
    .addOption(new Option('--raw', 'save the raw KHA iterate instead of the Rayleigh–Ritz vectors'))
    .addOption(
      new Option(
        '--resident',
        'iterate with X, the rows and A K′ kept on the WebGPU device (hand-written WGSL; needs a WebGPU adapter, see docs/GPU.md)',
      ),
    )
    .option('-v, --verbose', 'say which backend runs and how the Gram matrix is held');
  addCheckpointOptions(cmd, 'fit', '<model>.checkpoint');
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  kpca fit data/blobs.csv -o blobs.kpca -r 3
  kpca fit usps --sigma 8 -r 16 --gain smd --passes 10 -o usps.kpca
  kpca fit mnist:2000:14 -r 8 --gain kha-et --json -o mnist.kpca
  zcat points.csv.gz | kpca fit - --gamma 0.01 -o model.kpca
  kpca fit usps --sigma 8 -r 16 --passes 40 --checkpoint-every 60s -o usps.kpca   # Ctrl-C, then:
  kpca fit usps --sigma 8 -r 16 --passes 40 --resume usps.kpca.checkpoint -o usps.kpca

Exit codes: 0 done, 2 bad input, 3 numerical failure (advice printed), 130 interrupted (checkpoint written).`,
  );
  cmd.action(
    action(async (data: string, flags: FitFlags) => {
      const output = requireOutput(flags.output ?? flags.out);
      if (output === '-') throw new UserError('-o -: a model is a binary file written atomically; give a file name');
      await checkOutputPath(output);
      const progress = createProgress({
        quiet: flags.quiet,
        json: flags.json,
        verbose: flags.verbose,
        passes: flags.passes === 'auto' ? `auto ≤ ${flags.maxPasses}` : flags.passes,
      });
      const dataset = await loadInput(data, flags, flags.quiet);
      progress.note(`${dataset.source}: ${dataset.l} points × ${dataset.d} features`);
      const interrupt = interruptOnSignals('stopping at the next block and writing a checkpoint');
      const result = await fit(dataset, {
        ...runOptionsFromFlags(flags),
        passes: flags.passes,
        maxPasses:
          cmd.getOptionValueSource('maxPasses') === 'cli' || flags.passes === 'auto' ? flags.maxPasses : undefined,
        gain: flags.gain as never,
        tol: flags.tol,
        certificateTol: flags.certificateTol,
        components: flags.components,
        rayleighRitz: !flags.raw,
        resident: flags.resident,
        signal: interrupt.signal,
        checkpoint: checkpointPlan(flags, `${output}.checkpoint`),
        resumeFrom: flags.resume,
        onEvent: (e) => progress.onEvent(e),
      }).finally(() => {
        interrupt.release();
        progress.stop();
      });
      await saveModel(output, result.model);
      const m = result.model;
      if (m.certificate) warnCertificate(m.certificate, flags.quiet, FIT_ADVICE);
      if (flags.json) {
        printJson({
          model: output,
          eigenvalues: Array.from(m.eigenvalues),
          passes: m.passes,
          steps: m.steps,
          seconds: result.seconds,
          gramSeconds: result.gramSeconds,
          secondsPerPass: m.passes > 0 ? result.seconds / m.passes : null,
          stoppedBy: result.stoppedBy,
          backend: m.backend,
          gramCached: result.gramCached,
          kernel: m.kernel,
          sigma: m.kernel.type === 'gaussian' ? gammaToSigma(m.kernel.gamma) : null,
          gain: m.gain,
          seed: m.seed,
          points: m.l,
          features: m.d,
          ...certificateJson(m.certificate),
        });
      } else if (!flags.quiet) {
        process.stdout.write(
          `model: ${output}\n` +
            `kernel: ${describeKernel(m.kernel)}, gain: ${m.gain.name} ${JSON.stringify(m.gain.parameters)}, backend: ${m.backend}\n` +
            `passes: ${m.passes} (stopped by ${result.stoppedBy}), ${result.seconds.toFixed(2)} s iterating ` +
            `(${(result.seconds / Math.max(1, m.passes)).toFixed(3)} s/pass) + ${result.gramSeconds.toFixed(2)} s centering\n` +
            `eigenvalues of K′ with their error bounds:\n${certificateLines(m.certificate as Certificate).join('\n')}\n`,
        );
      }
    }),
  );
}
