import { join } from 'path';
import { Command, Option } from 'commander';
import { compare, COMPARE_DEFAULTS, TUNE_PASSES, type CompareEvent } from '../app/compare';
import { ExitCode, UserError } from '../errors';
import { GAIN_NAMES, type GainName, type GainParameters } from '../kha/gains';
import { describeKernel } from '../kernels/kernel';
import type { Certificate } from '../eval/certificate';
import { writeReport } from '../report';
import { FIT_ADVICE, warnCertificate } from './certificate';
import { action, addOutputOptions, interruptOnSignals, parseNumber, printJson } from './common';
import {
  addGainParameterOptions,
  addIterationOptions,
  addKernelOptions,
  runOptionsFromFlags,
  requireOutput,
  checkOutputPath,
  type GainFlags,
  type IterationFlags,
  type KernelFlags,
  addDataOptions,
  loadInput,
  type DataFlags,
} from './options';

interface CompareFlags extends DataFlags, KernelFlags, GainFlags, IterationFlags {
  out?: string;
  output?: string;
  gains: GainName[];
  set: Partial<Record<GainName, GainParameters>>;
  tune?: boolean;
  tunePasses?: number;
  cacheDir?: string;
  resume?: string;
  html: boolean;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
}

/** `--gains constant,smd` */
function parseGains(value: string): GainName[] {
  const names = value
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  for (const n of names)
    if (!GAIN_NAMES.includes(n as GainName))
      throw new UserError(`--gains: unknown schedule "${n}"; choose from ${GAIN_NAMES.join(', ')}`);
  return names as GainName[];
}

const PARAMETER_NAMES: readonly (keyof GainParameters)[] = ['eta0', 'tau', 'mu', 'xi'];

/** `--set annealed.eta0=0.5` (repeatable): a parameter for one schedule only. */
function parseSet(
  value: string,
  previous: Partial<Record<GainName, GainParameters>> = {},
): Partial<Record<GainName, GainParameters>> {
  const match = /^([a-z-]+)\.([a-z0-9]+)=(.+)$/.exec(value.trim());
  if (!match) throw new UserError(`--set: expected schedule.parameter=value (e.g. annealed.eta0=0.5), got "${value}"`);
  const [, gain, name, text] = match;
  if (!GAIN_NAMES.includes(gain as GainName))
    throw new UserError(`--set: unknown schedule "${gain}"; choose from ${GAIN_NAMES.join(', ')}`);
  if (!PARAMETER_NAMES.includes(name as keyof GainParameters))
    throw new UserError(`--set: unknown parameter "${name}"; choose from ${PARAMETER_NAMES.join(', ')}`);
  const v = parseNumber(`--set ${gain}.${name}`, { exclusiveMin: 0 })(text);
  return { ...previous, [gain]: { ...previous[gain as GainName], [name]: v } };
}

/** The command line as a shell would take it back (for the report). */
function commandLine(argv: string[]): string {
  const quote = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return ['kpca', ...argv.map(quote)].join(' ');
}

function progressPrinter(silent: boolean, verbose: boolean, quiet: boolean): (e: CompareEvent) => void {
  const say = (line: string) => silent || process.stderr.write(`${line}\n`);
  const fmt = (v: number) => (Number.isFinite(v) ? v.toExponential(2) : String(v));
  return (e) => {
    switch (e.type) {
      case 'info':
        if (verbose) say(e.message);
        break;
      case 'warning':
        if (!quiet) process.stderr.write(`kpca: warning: ${e.message}\n`);
        break;
      case 'gram':
        break;
      case 'reference':
        say(
          `reference (${e.info.solver}${e.info.fromCache ? ', from cache' : `, ${e.info.seconds.toFixed(1)} s`}): ` +
            `λ = ${e.values.map((v) => +v.toPrecision(5)).join(', ')}`,
        );
        break;
      case 'trial':
        say(
          `tune ${e.gain} ${JSON.stringify(e.trial.parameters)}: ${e.trial.error === null ? 'diverged' : fmt(e.trial.error)}`,
        );
        break;
      case 'schedule':
        say(`${e.gain} ${JSON.stringify(e.parameters)}`);
        break;
      case 'pass': {
        const m = e.measurement;
        say(
          `  ${e.gain} pass ${m.pass}: excess ${fmt(m.relativeExcessError)}, eigenvalues ${fmt(m.eigenvalueErrorRayleigh)} (raw) ` +
            `${fmt(m.eigenvalueErrorRitz)} (Ritz), subspace ${fmt(m.subspaceError)}, ${m.seconds.toFixed(2)} s`,
        );
        break;
      }
    }
  };
}

export function registerCompareCommand(program: Command): void {
  const cmd = program
    .command('compare')
    .summary('compare gain schedules against the exact kernel PCA, and write a report')
    .description(
      'Run several gain schedules (constant, annealed 1/t, KHA/et, KHA-SMD) on the same data from the same seed\n' +
        '(same initial A, same permutations) and measure every pass against the exact top-r eigenpairs of the\n' +
        "centered Gram matrix K′: relative excess RKHS reconstruction error, eigenvalue errors (of the iterate's\n" +
        'raw Rayleigh quotients and after a Rayleigh–Ritz step), ‖AK′Aᵀ − I‖max and the principal-angle subspace\n' +
        'error, with the iteration seconds (measurement excluded). The exact reference is computed once per data\n' +
        'set, kernel and r (dense solver up to l = 1000, block Krylov beyond) and cached in --cache-dir.\n\n' +
        'Writes DIR/report.json (every series and setting, machine), DIR/report.md (passes and seconds to reach\n' +
        '1e-1, 1e-2, 1e-3, speed-ups over constant and annealed) and DIR/report.html (tables and plots, offline).\n\n' +
        'Gain parameters: --eta0/--tau/--mu/--xi apply to every schedule that uses them; --set gives one schedule\n' +
        'its own. Unset, each schedule uses its default (constant η0 0.03; annealed η0 0.3, τ = l; kha-et η0 0.03;\n' +
        `smd η0 0.03, μ 1, ξ 0.99). --tune grid-searches η0 (and τ, μ) on ${TUNE_PASSES} passes first (see report).`,
    )
    .argument('<data>', 'data file, - for stdin, or a built-in set (mnist:2000, usps)')
    .option('-o, --out <dir>', 'directory for report.json, report.md and report.html (created if needed)')
    .addOption(new Option('--output <dir>').hideHelp())
    .addOption(
      new Option('--gains <list>', 'schedules to compare, comma-separated')
        .argParser(parseGains)
        .default(COMPARE_DEFAULTS.gains, GAIN_NAMES.join(',')),
    );
  addDataOptions(cmd);
  addKernelOptions(cmd);
  addGainParameterOptions(cmd);
  cmd.addOption(
    new Option(
      '--set <schedule.param=value>',
      'a parameter for one schedule only (repeatable), e.g. --set annealed.tau=1000',
    )
      .argParser(parseSet)
      .default({}, 'none'),
  );
  addIterationOptions(cmd, { components: COMPARE_DEFAULTS.components, passes: COMPARE_DEFAULTS.passes });
  cmd
    .option('--tune', "grid-search each schedule's gain parameters on a few passes first, then run the best")
    .addOption(
      new Option('--tune-passes <n>', 'passes per tuning trial')
        .argParser(parseNumber('--tune-passes', { integer: true, min: 1 }))
        .default(TUNE_PASSES),
    )
    .option(
      '--cache-dir <dir>',
      'cache of exact reference spectra (default: $XDG_CACHE_HOME/kpca-hebbian or ~/.cache/kpca-hebbian)',
    )
    .option(
      '--resume <checkpoint>',
      'continue an interrupted comparison (same data and options; Ctrl-C writes DIR/compare.checkpoint)',
    )
    .option('--no-html', 'write report.json and report.md only (no plots)')
    .option('-v, --verbose', 'say which backend runs and how the Gram matrix is held');
  addOutputOptions(cmd);
  cmd.addHelpText(
    'after',
    `
Examples:
  kpca compare data/blobs.csv -r 4 --passes 20 --out reports/blobs
  kpca compare usps --sigma 8 -r 16 --passes 15 --out docs/results/usps
  kpca compare mocap.csv.gz --label-column seq -r 8 --tune --out reports/mocap
  kpca compare mnist:2000:14 --gains kha-et,smd --set smd.mu=2 --out reports/mnist --json

--max-seconds caps each schedule's iteration time. Ctrl-C stops at the next block and writes a report of
what ran (marked incomplete); a second Ctrl-C exits at once. Exit codes: 0 done (a diverging schedule is
reported, not fatal), 2 bad input, 130 interrupted (partial report and DIR/compare.checkpoint written; --resume it).`,
  );
  cmd.action(
    action(async (data: string, flags: CompareFlags) => {
      const out = requireOutput(flags.out ?? flags.output, '-o, --out <dir> (the report folder)');
      await checkOutputPath(out, 'dir');
      const silent = Boolean(flags.quiet || flags.json);
      const dataset = await loadInput(data, flags, flags.quiet);
      if (!silent) process.stderr.write(`${dataset.source}: ${dataset.l} points × ${dataset.d} features\n`);
      const interrupt = interruptOnSignals('stopping at the next block and writing a partial report and a checkpoint');
      const result = await compare(dataset, {
        ...runOptionsFromFlags(flags),
        gains: flags.gains,
        components: flags.components,
        scheduleParameters: flags.set,
        tune: flags.tune ? { passes: flags.tunePasses } : false,
        cacheDir: flags.cacheDir,
        signal: interrupt.signal,
        checkpoint: join(out, 'compare.checkpoint'),
        resumeFrom: flags.resume,
        onEvent: progressPrinter(silent, Boolean(flags.verbose), Boolean(flags.quiet)),
      }).finally(() => interrupt.release());
      const { report, files } = await writeReport(out, result, {
        command: commandLine(process.argv.slice(2)),
        html: flags.html,
      });
      if (result.interrupted) {
        const resume = result.checkpointWritten
          ? `; resume with the same command and --resume ${result.checkpointWritten}`
          : ' (during tuning: nothing to resume)';
        process.stderr.write(
          `kpca: interrupted; partial report written to ${Object.values(files).join(', ')}${resume}\n`,
        );
        process.exitCode = ExitCode.interrupted;
      }
      for (const s of result.schedules)
        if (s.certificate) warnCertificate(s.certificate, flags.quiet, FIT_ADVICE, `${s.gain}: `);
      const certificates = result.schedules.map((s) => ({
        gain: s.gain,
        converged: s.certificate?.converged ?? false,
        passesNeeded: s.certificate?.passesNeeded ?? null,
        certificate: s.certificate ?? null,
      }));
      if (flags.json) {
        printJson({
          out,
          files,
          kernel: result.kernel,
          reference: { values: result.reference.values, trace: result.reference.trace },
          summary: report.summary,
          converged: certificates.every((c) => c.converged),
          certificates,
        });
        return;
      }
      if (flags.quiet) return;
      process.stdout.write(`kernel: ${describeKernel(result.kernel)}; report: ${Object.values(files).join(', ')}\n`);
      for (const s of report.summary)
        process.stdout.write(
          `${s.gain.padEnd(9)} passes to 1e-1/1e-2/1e-3: ${s.reached.map((x) => x.passes ?? '—').join('/')}; ` +
            `final excess ${s.final ? s.final.relativeExcessError.toExponential(2) : '—'}${s.failure ? ` (diverged: ${s.failure})` : ''}` +
            `${certified(result.schedules.find((run) => run.gain === s.gain)?.certificate)}\n`,
        );
    }),
  );
}

/** `; converged (max |θ − λ| ≤ …)` from a schedule's certificate. */
function certified(cert: Certificate | undefined): string {
  if (!cert) return '';
  const worst = Math.max(...cert.components.map((c) => c.residual));
  return `; ${cert.converged ? 'converged' : 'NOT converged'} (max |θ − λ| ≤ ${worst.toExponential(1)})`;
}
