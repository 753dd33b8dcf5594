import { Command } from 'commander';
import { transform } from '../app/transform';
import { loadDataset } from '../data/load';
import { UserError } from '../errors';
import { writeFileAtomic } from '../io/atomicWrite';
import { loadModel } from '../model/modelFile';
import { BACKEND_NAMES } from '../kernels';
import { renderSvg } from '../report/plots';
import { embeddingSpec } from '../report/embedding';
import { action } from './common';

interface PlotFlags {
  model?: string;
  output?: string;
  labelColumn?: string;
  backend: string;
  title?: string;
}

export function registerPlotCommand(program: Command): void {
  const cmd = program
    .command('plot')
    .summary('draw the 2-D embedding (first two components) as SVG')
    .description(
      'Project points onto the first two components of a fitted model and draw them as an SVG scatter plot,\n' +
        'coloured by label when the data have labels.',
    )
    .argument('<data>', 'data file, - for stdin, or a built-in set')
    .requiredOption('-m, --model <file>', 'model written by kpca fit (at least 2 components)')
    .requiredOption('-o, --output <file.svg>', 'SVG file to write (atomically); - for stdout')
    .option('--label-column <name|index>', 'column holding labels (the colours)')
    .option('--title <text>', 'plot title')
    .option('--backend <name>', `Gram-row backend: auto or one of ${BACKEND_NAMES.join(', ')}`, 'auto');
  cmd.addHelpText(
    'after',
    '\nExamples:\n  kpca plot usps-test -m usps.kpca -o usps.svg\n  kpca plot data/blobs.csv -m blobs.kpca -o - > blobs.svg',
  );
  cmd.action(
    action(async (data: string, flags: PlotFlags) => {
      const model = await loadModel(flags.model as string);
      if (model.components < 2)
        throw new UserError(
          `${flags.model}: the model has ${model.components} component; a 2-D plot needs 2 (fit with -r 2 or more)`,
        );
      const points = await loadDataset(data, { labelColumn: flags.labelColumn });
      const Y = await transform(model, points.X, points.l, { backend: flags.backend as never });
      const svg = await renderSvg(
        embeddingSpec(
          Y,
          points.l,
          model.components,
          points.labels,
          flags.title ?? `${points.source}: kernel PCA components 1 and 2`,
        ),
      );
      if (flags.output === '-') process.stdout.write(svg);
      else await writeFileAtomic(flags.output as string, svg);
    }),
  );
}
