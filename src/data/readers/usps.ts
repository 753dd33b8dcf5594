import { DataError } from '../../errors';
import { Dataset, numberedFeatureNames } from '../dataset';
import { forEachLine } from '../lines';
import { normalizeLabel, numberFieldError, parseFieldAt } from '../numbers';
import { FieldCountCheck, RowAccumulator } from '../rowAccumulator';
import { TextSource } from '../textSource';

const SPACE = 0x20;
const TAB = 0x09;

/**
 * The USPS / ESL "zip" format: one point a line, the label first, then the feature values, all
 * separated by spaces. The train file writes labels as "6.0000" and ends lines with a space; the
 * test file writes "9"; skipping runs of blanks and normalizing labels handles both. Any number of
 * features is accepted (USPS has 256); every line must have as many as the first.
 * Columns in messages are field numbers, the label being field 1.
 *
 * Fields are found by scanning character codes and parsed in place: splitting 1.9 million fields
 * of zip.train into strings first was most of the load time.
 */
export async function readUsps(src: TextSource): Promise<Omit<Dataset, 'source'>> {
  const rows = new RowAccumulator();
  const fieldCount = new FieldCountCheck(src.name);
  await forEachLine(src.chunks, (text, line) => {
    let fields = 0;
    let label = '';
    for (let i = 0; i < text.length;) {
      let c = text.charCodeAt(i);
      if (c === SPACE || c === TAB) {
        i++;
        continue;
      }
      let end = i + 1;
      while (end < text.length && (c = text.charCodeAt(end)) !== SPACE && c !== TAB) end++;
      fields++;
      if (fields === 1) label = text.slice(i, end);
      else {
        const value = parseFieldAt(text, i, end);
        if (Number.isNaN(value)) throw numberFieldError(src.name, text.slice(i, end), line, fields);
        rows.push(value);
      }
      i = end;
    }
    if (fields === 0) return;
    if (fields === 1)
      throw new DataError(src.name, `expected a label followed by feature values, found only "${label}"`, line, 1);
    fieldCount.check(fields, line);
    rows.endRow(normalizeLabel(label));
  });
  const { X, l, d, labels } = rows.finish();
  return { X, l, d, labels, featureNames: numberedFeatureNames(d) };
}
