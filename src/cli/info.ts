import { Command } from 'commander';
import { describeKernel } from '../kernels/kernel';
import { loadModel } from '../model/modelFile';
import { action, printJson } from './common';
import { certificateJson, certificateLines } from './certificate';

export function registerInfoCommand(program: Command): void {
  program
    .command('info')
    .summary('describe a model file')
    .description(
      'Print what a model file holds: kernel, components, eigenvalues, how it was fitted. The file is verified (version, sizes, checksum).',
    )
    .argument('<model>', 'model written by kpca fit')
    .option('--json', 'print one JSON object')
    .addHelpText('after', '\nExample:\n  kpca info usps.kpca --json')
    .action(
      action(async (path: string, flags: { json?: boolean }) => {
        const { X, rowMeans, A, ...m } = await loadModel(path);
        const summary = { ...m, eigenvalues: Array.from(m.eigenvalues), ...certificateJson(m.certificate) };
        if (flags.json) return printJson(summary);
        process.stdout.write(
          [
            `model: ${path} (written by kpca-hebbian ${m.softwareVersion})`,
            `training data: ${m.l} points × ${m.d} features, sha256 ${m.dataHash.slice(0, 16)}…`,
            `kernel: ${describeKernel(m.kernel)}`,
            `components: ${m.components}`,
            `gain: ${m.gain.name} ${JSON.stringify(m.gain.parameters)}, seed ${m.seed}`,
            `fit: ${m.passes} passes, ${m.steps} steps, stopped by ${m.stoppedBy}, backend ${m.backend}`,
            ...(m.certificate
              ? [
                  `eigenvalues of K′ (tr K′ = ${m.trace.toPrecision(8)}) with their error bounds:`,
                  ...certificateLines(m.certificate),
                ]
              : [
                  `eigenvalues of K′ (tr K′ = ${m.trace.toPrecision(8)}; no error bounds: written before certificates):`,
                  ...summary.eigenvalues.map((v, i) => `  λ${i + 1} = ${v.toPrecision(8)}`),
                ]),
          ].join('\n') + '\n',
        );
      }),
    );
}
