import { Command } from 'commander';
import { transform } from '../app/transform';
import { loadDataset } from '../data/load';
import { formatDataset, writeDataset } from '../data/write';
import { checkWritable } from '../io/atomicWrite';
import { loadModel } from '../model/modelFile';
import { BACKEND_NAMES } from '../kernels';
import { action, addOutputOptions, printJson } from './common';

interface TransformFlags {
  model?: string;
  output?: string;
  labelColumn?: string;
  backend: string;
  json?: boolean;
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
    .option('-o, --output <file>', 'CSV file to write (atomically); default stdout')
    .option('--label-column <name|index>', 'column holding labels (carried through to the output)')
    .option('--backend <name>', `Gram-row backend: auto or one of ${BACKEND_NAMES.join(', ')}`, 'auto');
  addOutputOptions(cmd);
  cmd.addHelpText('after', '\nExamples:\n  kpca transform data/blobs.csv -m blobs.kpca -o projections.csv\n  kpca transform usps-test -m usps.kpca --json');
  cmd.action(
    action(async (data: string, flags: TransformFlags) => {
      const model = await loadModel(flags.model as string);
      if (flags.output) await checkWritable(flags.output);
      const points = await loadDataset(data, { labelColumn: flags.labelColumn });
      const Y = await transform(model, points.X, points.l, { backend: flags.backend as never });
      const projected = {
        X: Y,
        l: points.l,
        d: model.components,
        labels: points.labels,
        featureNames: Array.from({ length: model.components }, (_, i) => `pc${i + 1}`),
        source: points.source,
      };
      if (flags.json) {
        const r = model.components;
        printJson({ components: r, points: points.l, projections: Array.from({ length: points.l }, (_, b) => Array.from(Y.subarray(b * r, (b + 1) * r))), labels: points.labels });
      } else if (flags.output) await writeDataset(projected, flags.output, 'csv');
      else process.stdout.write(formatDataset(projected, 'csv'));
    }),
  );
}
