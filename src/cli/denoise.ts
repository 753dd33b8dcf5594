import { Command } from 'commander';
import { denoise, PREIMAGE_DEFAULTS } from '../app/denoise';
import { UserError } from '../errors';
import { loadDataset } from '../data/load';
import { formatFromExtension } from '../data/format';
import { formatDataset, writeDataset } from '../data/write';
import { loadModel } from '../model/modelFile';
import { BACKEND_NAMES } from '../kernels';
import { action, addOutputOptions, parseNumber, printJson } from './common';

interface DenoiseFlags {
  model?: string;
  output?: string;
  labelColumn?: string;
  backend: string;
  maxIterations: number;
  tol: number;
  json?: boolean;
  quiet?: boolean;
}

export function registerDenoiseCommand(program: Command): void {
  const cmd = program
    .command('denoise')
    .summary('denoise points: project onto the components and map back (pre-images)')
    .description(
      'Project each point onto the top-r kernel principal subspace of a fitted model and write its pre-image:\n' +
        'the point of input space whose image is closest to the projection (Mika et al. 1998). Gaussian\n' +
        'kernel: the fixed-point iteration started at the point itself; a point whose iteration collapses\n' +
        'is restarted from its nearest training neighbours in feature space. Linear kernel: exact.\n' +
        'Writes the same columns as the input (CSV, or TSV for a .tsv output), labels carried through.',
    )
    .argument('<data>', 'data file, - for stdin, or a built-in set')
    .requiredOption('-m, --model <file>', 'model written by kpca fit')
    .option('-o, --output <file>', 'file to write (atomically); - or none for stdout')
    .option('--label-column <name|index>', 'column holding labels (carried through to the output)')
    .option('--backend <name>', `Gram-row backend: auto or one of ${BACKEND_NAMES.join(', ')}`, 'auto')
    .option(
      '--max-iterations <n>',
      'fixed-point iterations per start',
      parseNumber('--max-iterations', { integer: true, min: 1 }),
      PREIMAGE_DEFAULTS.maxIterations,
    )
    .option(
      '--tol <x>',
      'converged when a step moves a point by at most tol × its norm',
      parseNumber('--tol', { exclusiveMin: 0 }),
      PREIMAGE_DEFAULTS.tol,
    );
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    '\nExamples:\n  kpca denoise noisy.csv -m digits.kpca -o denoised.csv\n  cat noisy.csv | kpca denoise - -m digits.kpca > denoised.csv',
  );
  cmd.action(
    action(async (data: string, flags: DenoiseFlags) => {
      const toStdout = !flags.output || flags.output === '-';
      if (flags.json && toStdout) throw new UserError('--json needs -o FILE: stdout carries the denoised points');
      const model = await loadModel(flags.model as string);
      const points = await loadDataset(data, { labelColumn: flags.labelColumn });
      const res = await denoise(model, points.X, points.l, {
        backend: flags.backend as never,
        maxIterations: flags.maxIterations,
        tol: flags.tol,
      });
      const out = { ...points, X: res.Z };
      const summary = {
        points: points.l,
        components: model.components,
        iterations: res.iterations,
        restarted: res.restarted,
        failed: res.failed,
        unconverged: res.unconverged,
      };
      if (toStdout) process.stdout.write(formatDataset(out, 'csv'));
      else
        await writeDataset(
          out,
          flags.output as string,
          formatFromExtension(flags.output as string) === 'tsv' ? 'tsv' : 'csv',
        );
      if (flags.json) printJson(summary);
      else if (!flags.quiet)
        process.stderr.write(
          `kpca denoise: ${points.l} points, r=${model.components}, ${res.iterations} fixed-point iterations; ` +
            `${res.restarted} restarted from nearest neighbours, ${res.failed} collapsed twice (nearest-neighbour estimate written), ` +
            `${res.unconverged} not converged to --tol\n`,
        );
    }),
  );
}
