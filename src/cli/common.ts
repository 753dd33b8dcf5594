import { Command, Option } from 'commander';
import { toFiniteNumber } from '../data/numbers';
import { UserError, ExitCode } from '../errors';

/** Options every command accepts. */
export interface GlobalOptions {
  debug?: boolean;
  quiet?: boolean;
  json?: boolean;
}

/**
 * Wrap a command's action: run it, and turn errors into one line on stderr and an exit code.
 * UserError (and its subclasses DataError, NumericalError) are the user's to fix: no stack trace
 * unless --debug. Anything else is a bug: printed with its stack, exit code 1.
 */
export function action<A extends unknown[]>(fn: (...args: A) => Promise<void> | void): (...args: A) => Promise<void> {
  return async (...args: A) => {
    const command = args[args.length - 1] as Command;
    const debug = Boolean(command?.optsWithGlobals?.().debug);
    try {
      await fn(...args);
    } catch (err) {
      process.exitCode = reportError(err, debug);
    }
  };
}

/** Print an error the way the CLI does and return the exit code to use. */
export function reportError(err: unknown, debug: boolean): number {
  if (err instanceof UserError) {
    process.stderr.write(`kpca: ${err.message}\n`);
    if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  const e = err as NodeJS.ErrnoException;
  if ((e as { name?: unknown } | null)?.name === 'AbortError') {
    // a signal during the passes before iterating (centering, the initial A K′): no iterate to checkpoint yet
    process.stderr.write('kpca: interrupted before the first pass: nothing written\n');
    return ExitCode.interrupted;
  }
  if (e && typeof e.code === 'string' && typeof e.path === 'string') {
    // File-system errors on user-given paths (ENOENT, EISDIR, EACCES, ENOSPC) are input problems.
    process.stderr.write(`kpca: ${e.path}: ${fsErrorText(e.code)}\n`);
    if (debug && e.stack) process.stderr.write(`${e.stack}\n`);
    return ExitCode.badInput;
  }
  process.stderr.write(`kpca: internal error: ${e?.stack ?? String(err)}\n`);
  return ExitCode.internal;
}

function fsErrorText(code: string): string {
  switch (code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EISDIR':
      return 'is a directory, expected a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOSPC':
      return 'no space left on device (the previous output, if any, is intact)';
    default:
      return code;
  }
}

/**
 * Parse a number option, with a message naming the flag. The grammar is that of data fields
 * (plain decimals: no 0x/0b/0o forms, no Infinity), and an out-of-range integer is refused rather
 * than wrapped.
 */
export function parseNumber(
  flag: string,
  opts: { integer?: boolean; min?: number; max?: number; exclusiveMin?: number } = {},
) {
  return (value: string): number => {
    const v = toFiniteNumber(value.trim());
    if (!Number.isFinite(v)) throw new UserError(`${flag}: expected a decimal number, got "${value}"`);
    if (opts.integer && !Number.isInteger(v)) throw new UserError(`${flag}: expected an integer, got "${value}"`);
    if (opts.min !== undefined && v < opts.min)
      throw new UserError(`${flag}: must be at least ${opts.min}, got ${value}`);
    if (opts.max !== undefined && v > opts.max)
      throw new UserError(`${flag}: must be at most ${opts.max}, got ${value}`);
    if (opts.exclusiveMin !== undefined && !(v > opts.exclusiveMin))
      throw new UserError(`${flag}: must be greater than ${opts.exclusiveMin}, got ${value}`);
    return v;
  };
}

/** `--json`, `--quiet` and `--debug`, shared by the commands that print results. */
export function addOutputOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--json', 'print one JSON object on stdout instead of text'))
    .addOption(new Option('-q, --quiet', 'no progress or summary on stderr'));
}

/** Print a JSON value on stdout (one object, one line at the end). */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/**
 * The first SIGINT/SIGTERM asks a long run to stop at the next block boundary (`stopping` says what
 * it does then); a second one exits at once. `release` removes the handlers.
 */
export function interruptOnSignals(stopping: string): { signal: AbortSignal; release: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\nkpca: ${name} again: exiting now\n`);
      process.exit(ExitCode.interrupted);
    }
    process.stderr.write(`\nkpca: ${name}: ${stopping} (again to exit now)\n`);
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    release: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}
