import { Argument, Command, Option } from 'commander';
import { convertData, DataInfo, dataInfo } from '../app/data';
import { DATA_FORMATS, DataFormat } from '../data/format';
import { fetchUsps, USPS_BASE_URL } from '../data/fetchUsps';
import { loadDataset } from '../data/load';
import { action, addOutputOptions, parseNumber, printJson } from './common';
import { addDataOptions, checkOutputPath, type DataFlags } from './options';

const SOURCES_HELP = `
Inputs: a path (CSV, TSV, LIBSVM or USPS text, plain or gzip-compressed; the format is detected
from the extension, then the content), "-" for stdin, or a built-in data set:
  mnist:N        the first N (1-10000) of the MNIST digits bundled with the "mnist" package,
                 shuffled with a fixed seed; mnist:N:14 halves the images to 14x14
  usps           $KPCA_USPS_DIR/zip.train.gz (7291 digits, 16x16); see "kpca data fetch usps"
  usps-test      $KPCA_USPS_DIR/zip.test.gz (2007 digits)`;

interface InputOptions extends DataFlags {
  format?: DataFormat;
}

/** The data flags of every command (options.ts), and --format (or --from). */
function addInputOptions(cmd: Command, formatFlag: string): Command {
  return addDataOptions(cmd).addOption(
    new Option(`${formatFlag} <format>`, 'input format, when detection guesses wrong').choices([...DATA_FORMATS]),
  );
}

/** `kpca data info|convert|fetch`. */
export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('inspect, convert and download data sets');

  addOutputOptions(
    addInputOptions(data.command('info').argument('<file>', 'data file, "-" or built-in name'), '--format'),
  )
    .description('print the shape, label counts and per-column ranges of a data set')
    .addHelpText(
      'after',
      `${SOURCES_HELP}

Examples:
  kpca data info data/blobs.csv
  kpca data info usps --json
  kpca data info measurements.csv --label-column species
  zcat big.csv.gz | kpca data info - --no-label-column`,
    )
    .action(
      action(async (file: string, opts: InputOptions & { json?: boolean }) => {
        const ds = await loadDataset(file, {
          labelColumn: opts.labelColumn,
          features: opts.features,
          format: opts.format,
        });
        const info = dataInfo(ds);
        if (opts.json) printJson(info);
        else process.stdout.write(formatInfo(info));
      }),
    );

  addInputOptions(
    data
      .command('convert')
      .argument('<in>', 'data file, "-" or built-in name')
      .argument('<out>', 'output file (.gz: compressed)'),
    '--from',
  )
    .description('convert a data set to another format (numbers round-trip exactly)')
    .addOption(
      new Option('--to <format>', 'output format (default: from the output extension, else csv)').choices([
        ...DATA_FORMATS,
      ]),
    )
    .addOption(new Option('-q, --quiet', 'no summary on stderr'))
    .addHelpText(
      'after',
      `${SOURCES_HELP}

Output formats: csv (header, label column last), tsv, libsvm (label index:value, zeros left out),
usps (label then values). libsvm and usps need labels. The file is written atomically.

Examples:
  kpca data convert usps data/usps-train.csv
  kpca data convert mnist:2000:14 mnist2000.tsv.gz
  kpca data convert points.csv points.svm --to libsvm --label-column class`,
    )
    .action(
      action(
        async (
          input: string,
          output: string,
          opts: DataFlags & { from?: DataFormat; to?: DataFormat; quiet?: boolean },
        ) => {
          await checkOutputPath(output); // before reading what may be a long input
          const done = await convertData(input, output, {
            labelColumn: opts.labelColumn,
            features: opts.features,
            format: opts.from,
            to: opts.to,
          });
          if (!opts.quiet)
            process.stderr.write(
              `wrote ${done.output}: ${done.rows} rows × ${done.columns} features, ${done.format}\n`,
            );
        },
      ),
    );

  data
    .command('fetch')
    .addArgument(new Argument('<name>', 'data set to download').choices(['usps']))
    .description('download a public data set and check its sha256')
    .addOption(new Option('--dir <dir>', 'where to put the files').default('./data/usps'))
    .addOption(new Option('--base-url <url>', 'where to download from').default(USPS_BASE_URL))
    .addOption(
      new Option('--timeout <seconds>', 'give up when no data arrives for this long')
        .default(30)
        .argParser(parseNumber('--timeout', { exclusiveMin: 0 })),
    )
    .addOption(new Option('-q, --quiet', 'no summary on stderr'))
    .addHelpText(
      'after',
      `
Downloads zip.train.gz and zip.test.gz (USPS digits, The Elements of Statistical Learning data
page), checks both against their known sha256 and only then writes them; files already there with
the right checksum are kept. Afterwards, point KPCA_USPS_DIR at the folder to use the built-in
names "usps" and "usps-test".

Examples:
  kpca data fetch usps
  kpca data fetch usps --dir ~/data/usps && export KPCA_USPS_DIR=~/data/usps`,
    )
    .action(
      action(async (_name: string, opts: { dir: string; baseUrl: string; timeout: number; quiet?: boolean }) => {
        const files = await fetchUsps({ dir: opts.dir, baseUrl: opts.baseUrl, idleTimeoutMs: opts.timeout * 1000 });
        if (opts.quiet) return;
        for (const f of files)
          process.stderr.write(
            `${f.downloaded ? 'downloaded' : 'already present'}: ${f.path} (${f.bytes} bytes, sha256 ok)\n`,
          );
        process.stderr.write(`use them with: export KPCA_USPS_DIR=${opts.dir}\n`);
      }),
    );
}

function formatInfo(info: DataInfo): string {
  const out: string[] = [`${info.source}: ${info.rows} rows × ${info.columns} features`];
  if (info.labelCounts) {
    out.push(`labels: ${info.labelCounts.length} classes`);
    for (const { label, count } of info.labelCounts) out.push(`  ${label.padEnd(12)} ${count}`);
  } else out.push('labels: none');
  if (info.nonFinite > 0) out.push(`non-finite values: ${info.nonFinite}`);
  const shown = info.features.slice(0, MAX_COLUMNS_SHOWN);
  out.push(`${'column'.padEnd(16)} ${'min'.padStart(12)} ${'max'.padStart(12)} ${'mean'.padStart(12)}`);
  for (const f of shown) out.push(`${f.name.padEnd(16)} ${num(f.min)} ${num(f.max)} ${num(f.mean)}`);
  if (info.features.length > shown.length)
    out.push(`… ${info.features.length - shown.length} more columns (--json lists them all)`);
  return `${out.join('\n')}\n`;
}

const MAX_COLUMNS_SHOWN = 20;

function num(x: number | null): string {
  return (x === null ? '-' : Number(x.toPrecision(6)).toString()).padStart(12);
}
