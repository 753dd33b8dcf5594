import { DataError } from '../errors';

/**
 * A Float64Array that grows geometrically: appending n values costs O(n) amortized and keeps one
 * contiguous buffer, instead of an array of row arrays that the engine would have to copy again.
 */
export class GrowableFloat64Array {
  private buffer: Float64Array;
  length = 0;

  constructor(initialCapacity = 1 << 16) {
    this.buffer = new Float64Array(Math.max(16, initialCapacity));
  }

  push(value: number): void {
    if (this.length === this.buffer.length) {
      const bigger = new Float64Array(this.buffer.length * 2);
      bigger.set(this.buffer);
      this.buffer = bigger;
    }
    this.buffer[this.length++] = value;
  }

  get(i: number): number {
    return this.buffer[i];
  }

  /** The values pushed so far, trimmed to length (a copy, so the builder may be dropped). */
  toArray(): Float64Array {
    return this.buffer.slice(0, this.length);
  }
}

/**
 * Rows of a dense data set as they stream in: values go straight into one growing buffer, the
 * optional label beside them. Every dense reader (CSV/TSV, USPS) feeds one of these.
 */
export class RowAccumulator {
  private readonly values = new GrowableFloat64Array();
  private readonly labelList: string[] = [];
  rows = 0;

  push(value: number): void {
    this.values.push(value);
  }

  endRow(label?: string): void {
    this.rows++;
    if (label !== undefined) this.labelList.push(label);
  }

  /** X and the labels (when every row had one). Call only after at least one row. */
  finish(): { X: Float64Array; l: number; d: number; labels?: string[] } {
    const X = this.values.toArray();
    const labels = this.labelList.length === this.rows ? this.labelList : undefined;
    return { X, l: this.rows, d: X.length / this.rows, labels };
  }
}

/**
 * Every row must have as many fields as the first one. The message names both lines so the user
 * can see which one is the odd one out.
 */
export class FieldCountCheck {
  private expected = -1;
  private firstLine = 0;

  constructor(private readonly file: string) {}

  check(count: number, line: number): void {
    if (this.expected < 0) {
      this.expected = count;
      this.firstLine = line;
    } else if (count !== this.expected) {
      throw new DataError(this.file, `row has ${count} field${count === 1 ? '' : 's'}, expected ${this.expected} (as in line ${this.firstLine})`, line);
    }
  }
}
