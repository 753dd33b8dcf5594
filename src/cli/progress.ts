/**
 * Progress on stderr: a bar with ETA when stderr is a terminal, one line per pass otherwise,
 * nothing with --quiet or --json.
 */
import { SingleBar, Presets } from 'cli-progress';
import type { FitEvent } from '../app/fit';

export interface ProgressReporter {
  onEvent(event: FitEvent): void;
  /** print a message on its own line (not under --quiet) */
  note(message: string): void;
  stop(): void;
}

/** `quiet`: nothing but errors; `json`: no progress either (stdout holds the JSON), but warnings. */
export function createProgress(opts: {
  quiet?: boolean;
  json?: boolean;
  verbose?: boolean;
  /** the passes planned, as shown in the progress bar (fit's auto: 'auto ≤ N') */
  passes: number | string;
}): ProgressReporter {
  const silent = Boolean(opts.quiet || opts.json);
  const tty = Boolean(process.stderr.isTTY);
  let bar: SingleBar | null = null;
  let barFor: string | null = null;
  const stopBar = () => {
    bar?.stop();
    bar = null;
    barFor = null;
  };
  const ensureBar = (label: string, total: number) => {
    if (barFor === label) return bar as SingleBar;
    stopBar();
    bar = new SingleBar(
      {
        format: `${label} [{bar}] {percentage}% | ETA {eta_formatted} | {value}/{total}`,
        stream: process.stderr,
        hideCursor: true,
        clearOnComplete: true,
      },
      Presets.shades_classic,
    );
    bar.start(total, 0);
    barFor = label;
    return bar;
  };
  const note = (message: string) => {
    if (silent) return;
    stopBar();
    process.stderr.write(`${message}\n`);
  };
  return {
    note,
    stop: stopBar,
    onEvent(event) {
      if (event.type === 'warning' && !opts.quiet) {
        stopBar();
        process.stderr.write(`kpca: warning: ${event.message}\n`);
      }
      if (silent) return;
      switch (event.type) {
        case 'info':
          if (opts.verbose) note(event.message);
          break;
        case 'gram':
          if (tty) ensureBar(event.phase ?? 'centering', event.total).update(event.done);
          break;
        case 'step':
          if (tty) ensureBar(`pass ${event.pass}/${opts.passes}`, event.l).update(event.step);
          break;
        case 'pass': {
          const r = event.report;
          const change = Number.isNaN(r.change) ? '' : `, change ${r.change.toExponential(2)}`;
          note(`pass ${r.pass}: ${r.seconds.toFixed(2)} s${change}, λ1 ≈ ${r.passEigenvalues[0].toPrecision(6)}`);
          break;
        }
      }
    },
  };
}
