/**
 * The `kpca` command: a thin layer over the library. Each command lives in its own file, parses
 * its flags, calls one use-case from src/app and prints; errors are reported once, in common.ts.
 */
import { Command } from 'commander';
import { VERSION } from '../version';
import { reportError } from './common';
import { registerCompareCommand } from './compare';
import { registerDataCommands } from './data';
import { registerDenoiseCommand } from './denoise';
import { registerFitCommand } from './fit';
import { registerInfoCommand } from './info';
import { registerPlotCommand } from './plot';
import { registerSpectralClusterCommand } from './spectralCluster';
import { registerTransformCommand } from './transform';

export function buildProgram(): Command {
  const program = new Command('kpca')
    .version(VERSION)
    .description(
      'Iterative kernel PCA with the Kernel Hebbian Algorithm and its fast gain schedules\n' +
        '(KHA/et and KHA-SMD; Schraudolph, Günter & Vishwanathan 2006). Streams samples; never needs the\n' +
        'whole Gram matrix.',
    )
    // Descriptions are written as paragraphs with line breaks for the source's sake: join the lines
    // of a paragraph, so that commander wraps them to the terminal's width instead.
    .configureHelp({ commandDescription: (cmd) => cmd.description().replace(/([^\n])\n(?=[^\s])/g, '$1 ') })
    .option('--debug', 'print stack traces of errors')
    .showHelpAfterError('(run with --help for usage)')
    // commander's own usage errors exit 2 like every bad input; --help and --version exit 0.
    // Set before the commands are added, so that they inherit it.
    .exitOverride((err) => process.exit(err.exitCode === 0 ? 0 : 2));
  registerFitCommand(program);
  registerTransformCommand(program);
  registerDenoiseCommand(program);
  registerPlotCommand(program);
  registerInfoCommand(program);
  registerCompareCommand(program);
  registerSpectralClusterCommand(program);
  registerDataCommands(program);
  program.addHelpText('after', '\nStart with:\n  kpca fit mnist:2000:14 -r 8 -o mnist.kpca\n  kpca <command> --help');
  return program;
}

export async function main(argv: string[]): Promise<void> {
  // a reader that stops early (`kpca transform … | head -1`) is not an error, as in coreutils
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    throw err;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (err) {
    process.exitCode = reportError(err, argv.includes('--debug'));
  }
}
