import { Command, Option } from 'commander';
import { UserError } from '../errors';
import { alignColumns, transform } from '../app/transform';
import { formatDataset, writeDataset } from '../data/write';
import { loadModel } from '../model/modelFile';
import { BACKEND_NAMES } from '../kernels';
import { action, addOutputOptions, printJson } from './common';
import { addDataOptions, checkOutputPath, loadInput, type DataFlags } from './options';

interface TransformFlags extends DataFlags {
  model?: string;
  output?: string;
  out?: string;
  backend: string;
  json?: boolean;
  quiet?: boolean;
}

export function registerTransformCommand(program: Command): void {
  const cmd = program
    .command('transform')
    .summary('project points onto a fitted model’s components')
    .description(
      'Project points onto the components of a fitted model: y(x) = A k′(x), with k′(x) centered against the\n' +
        "training data. Equal to scikit-learn's KernelPCA.transform up to the sign of each component.\n" +
        'Writes CSV (pc1..pcr, and label when the input has labels) to --output or stdout.',
    )
    .argument('<data>', 'data file, - for stdin, or a built-in set')
    .requiredOption('-m, --model <file>', 'model written by kpca fit')
    .option('-o, --output <file>', 'CSV file to write (atomically); - or none: stdout')
    .addOption(new Option('--out <file>').hideHelp())
    .option('--backend <name>', `Gram-row backend: auto or one of ${BACKEND_NAMES.join(', ')}`, 'auto');
  addDataOptions(cmd);
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    '\nExamples:\n  kpca transform data/blobs.csv -m blobs.kpca -o projections.csv\n  kpca transform usps-test -m usps.kpca --json',
  );
  cmd.action(
    action(async (data: string, flags: TransformFlags) => {
      const output = flags.output ?? flags.out;
      if (output === '-' && flags.json)
        throw new UserError('--json and -o - both write to stdout: give -o a file name, or leave out one of them');
      if (output) await checkOutputPath(output);
      const model = await loadModel(flags.model as string);
      const points = await loadInput(data, flags, flags.quiet, model.d);
      const Y = await transform(model, alignColumns(points, model), points.l, { backend: flags.backend as never });
      const projected = {
        X: Y,
        l: points.l,
        d: model.components,
        labels: points.labels,
        featureNames: Array.from({ length: model.components }, (_, i) => `pc${i + 1}`),
        source: points.source,
      };
      if (output && output !== '-') await writeDataset(projected, output, 'csv');
      if (flags.json) {
        const r = model.components;
        printJson({
          components: r,
          points: points.l,
          output: output ?? null,
          projections: Array.from({ length: points.l }, (_, b) => Array.from(Y.subarray(b * r, (b + 1) * r))),
          labels: points.labels,
        });
      } else if (!output || output === '-') process.stdout.write(formatDataset(projected, 'csv'));
    }),
  );
}
