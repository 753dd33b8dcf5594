/**
 * Errors a user can act on. They are raised at the boundary (input files, options, model files),
 * caught once in the CLI and printed as one line without a stack trace (unless --debug).
 */

/** Exit codes of the `kpca` command. */
export const ExitCode = {
  ok: 0,
  /** internal error (a bug): printed with its stack */
  internal: 1,
  /** bad input: data file, model file or option */
  badInput: 2,
  /** numerical failure: divergence, collapsed SMD gains */
  numerical: 3,
  /** interrupted by SIGINT/SIGTERM after writing a checkpoint */
  interrupted: 130,
} as const;

/** A problem with what the user gave us; the message says what to change. */
export class UserError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.badInput) {
    super(message);
    this.name = 'UserError';
    this.exitCode = exitCode;
  }
}

/** A located problem in an input file: `file:line:column: message`. Line and column are 1-based. */
export class DataError extends UserError {
  readonly file: string;
  readonly line?: number;
  readonly column?: number;
  readonly detail: string;
  constructor(file: string, detail: string, line?: number, column?: number) {
    const where = [file, line, line !== undefined ? column : undefined].filter((v) => v !== undefined).join(':');
    super(`${where}: ${detail}`, ExitCode.badInput);
    this.name = 'DataError';
    this.file = file;
    this.line = line;
    this.column = column;
    this.detail = detail;
  }
}

/** The iteration failed numerically (non-finite or exploding A, collapsed SMD log-gains). */
export class NumericalError extends UserError {
  constructor(message: string) {
    super(message, ExitCode.numerical);
    this.name = 'NumericalError';
  }
}

/**
 * A run stopped by its signal (Ctrl-C, SIGTERM) before its result was made: nothing half-made is
 * returned; `checkpoint` is where its state was saved (to resume from), if anywhere.
 */
export class Interrupted extends UserError {
  readonly checkpoint?: string;
  constructor(checkpoint?: string) {
    super(
      checkpoint
        ? `interrupted; checkpoint written to ${checkpoint}. Resume with the same command and --resume ${checkpoint}`
        : 'interrupted',
      ExitCode.interrupted,
    );
    this.name = 'Interrupted';
    this.checkpoint = checkpoint;
  }
}
