import { CsvError, parse } from 'csv-parse';
import { pipeline, Readable } from 'stream';
import { DataError } from '../../errors';
import { Dataset, numberedFeatureNames } from '../dataset';
import { isNumeric, normalizeLabel, numberFieldError, toFiniteNumber } from '../numbers';
import { FieldCountCheck, RowAccumulator } from '../rowAccumulator';
import { TextSource } from '../textSource';

/**
 * Which column holds the labels: a header name, a 1-based column number (as in error messages),
 * `false` for none, or undefined for the default: a column named label, class or y (in that
 * order of preference, case-insensitive) when there is a header.
 */
export type LabelColumn = string | number | false | undefined;

const DEFAULT_LABEL_NAMES = ['label', 'class', 'y'];

interface Row {
  fields: string[];
  line: number;
}

interface Layout {
  header: boolean;
  /** 0-based index of the label column, or -1 */
  labelIndex: number;
  featureNames: string[];
}

/**
 * CSV or TSV through csv-parse (streamed): quoted fields, CRLF and blank lines are accepted.
 * Columns in messages are 1-based field numbers.
 */
export async function readDelimited(
  src: TextSource,
  delimiter: ',' | '\t',
  labelColumn: LabelColumn,
): Promise<Omit<Dataset, 'source'>> {
  // Field counts are checked here rather than by csv-parse so the message can name both lines.
  const parser = parse({ delimiter, info: true, relax_column_count: true, skip_empty_lines: true, trim: true });
  // pipeline passes a read error (truncated gzip) on to the parser, whose iteration below throws
  // it, and closes the input when the loop stops early on a bad row.
  pipeline(Readable.from(src.chunks), parser, () => undefined);

  const rows = new RowAccumulator();
  const fieldCount = new FieldCountCheck(src.name);
  let layout: Layout | undefined;
  let firstRow: Row | undefined;
  const addRow = (row: Row, lay: Layout): void => {
    fieldCount.check(row.fields.length, row.line);
    let label: string | undefined;
    for (let j = 0; j < row.fields.length; j++) {
      const text = row.fields[j];
      if (j === lay.labelIndex) {
        if (text === '') throw new DataError(src.name, 'empty label', row.line, j + 1);
        label = normalizeLabel(text);
        continue;
      }
      const value = toFiniteNumber(text);
      if (Number.isNaN(value)) throw numberFieldError(src.name, text, row.line, j + 1, labelHint(lay, j));
      rows.push(value);
    }
    rows.endRow(label);
  };

  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      // A line of spaces is a blank line, not a row with one empty field.
      if (record.length === 1 && record[0] === '') continue;
      const row = { fields: record, line: info.lines };
      if (layout) addRow(row, layout);
      else if (!firstRow) firstRow = row;
      else {
        layout = decideLayout(src.name, firstRow, row, labelColumn);
        if (layout.header) fieldCount.check(firstRow.fields.length, firstRow.line);
        else addRow(firstRow, layout);
        addRow(row, layout);
      }
    }
  } catch (err) {
    throw csvParseError(err, src.name, delimiter);
  }
  if (!layout && firstRow) {
    layout = decideLayout(src.name, firstRow, undefined, labelColumn);
    if (!layout.header) addRow(firstRow, layout);
  }
  if (!layout || rows.rows === 0)
    throw new DataError(src.name, 'header only: expected data rows after the header', firstRow?.line);
  const { X, l, d, labels } = rows.finish();
  return { X, l, d, labels, featureNames: layout.featureNames };
}

/**
 * The first row is a header when it has a field that is not a number in a column where the second
 * row has a number. A column that is text in both rows is a label column of a file without a
 * header, so "a,1,2 / b,3,4" has no header while "name,x / cat,1" has one. With a single row, it
 * is a header only if no field is numeric.
 */
function decideLayout(file: string, first: Row, second: Row | undefined, labelColumn: LabelColumn): Layout {
  const textual = first.fields.map((f) => !isNumeric(f));
  const header = second
    ? textual.some((isText, j) => isText && j < second.fields.length && isNumeric(second.fields[j]))
    : textual.every(Boolean);
  const names = header ? headerNames(file, first) : [];
  const labelIndex = resolveLabelColumn(file, first, names, header, labelColumn);
  const featureNames = header
    ? names.filter((_, j) => j !== labelIndex)
    : numberedFeatureNames(first.fields.length - (labelIndex >= 0 ? 1 : 0));
  return { header, labelIndex, featureNames };
}

function headerNames(file: string, row: Row): string[] {
  const seen = new Map<string, number>();
  return row.fields.map((raw, j) => {
    const name = raw === '' ? `col${j + 1}` : raw;
    const earlier = seen.get(name);
    if (earlier !== undefined)
      throw new DataError(
        file,
        `duplicate column name "${name}" (also column ${earlier + 1}): column names must be unique`,
        row.line,
        j + 1,
      );
    seen.set(name, j);
    return name;
  });
}

function resolveLabelColumn(
  file: string,
  first: Row,
  names: string[],
  header: boolean,
  labelColumn: LabelColumn,
): number {
  const width = first.fields.length;
  if (labelColumn === false) return -1;
  if (labelColumn === undefined) {
    for (const wanted of DEFAULT_LABEL_NAMES) {
      const j = names.findIndex((n) => n.toLowerCase() === wanted);
      if (j >= 0) return j;
    }
    return -1;
  }
  if (typeof labelColumn === 'string') {
    const exact = names.indexOf(labelColumn);
    if (exact >= 0) return exact;
    const wanted = labelColumn.toLowerCase();
    const folded = names.findIndex((n) => n.toLowerCase() === wanted);
    if (folded >= 0) return folded;
    if (!/^\d+$/.test(labelColumn)) {
      throw header
        ? new DataError(
            file,
            `no column named "${labelColumn}" for the labels; the header has: ${names.join(', ')}`,
            first.line,
          )
        : new DataError(
            file,
            `no header row, so there is no column named "${labelColumn}"; give the label column's number (1-${width}) instead`,
            first.line,
          );
    }
    labelColumn = Number(labelColumn);
  }
  if (!Number.isInteger(labelColumn) || labelColumn < 1 || labelColumn > width)
    throw new DataError(
      file,
      `label column ${labelColumn} does not exist: rows have ${width} fields (columns are numbered from 1)`,
      first.line,
    );
  return labelColumn - 1;
}

/** When text turns up where no label column was chosen, it probably is the label column. */
function labelHint(layout: Layout, j: number): string {
  return layout.labelIndex < 0
    ? ` (if column ${j + 1} holds class labels, choose it with --label-column ${j + 1})`
    : '';
}

/** csv-parse's own errors (an unclosed quote, ...) with the file name and line in front. */
function csvParseError(err: unknown, file: string, delimiter: string): unknown {
  if (!(err instanceof CsvError)) return err;
  return new DataError(
    file,
    `malformed ${delimiter === ',' ? 'CSV' : 'TSV'}: ${err.message}`,
    typeof err.lines === 'number' ? err.lines : undefined,
  );
}
