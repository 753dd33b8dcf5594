import { DataError } from '../errors';

/** values per chunk: 512 KiB */
const CHUNK = 1 << 16;

/**
 * An append-only list of numbers kept in fixed-size chunks, copied once into one contiguous
 * Float64Array at the end. Peak memory is about twice the data; a doubling buffer would peak at
 * up to four times it (the final capacity, the garbage of the smaller ones, the trimmed copy), and
 * for a data set of several hundred MB that is what the process's peak RSS is made of.
 */
export class GrowableFloat64Array {
  private readonly chunks: Float64Array[] = [];
  private current = new Float64Array(CHUNK);
  private used = 0;
  length = 0;

  push(value: number): void {
    if (this.used === CHUNK) {
      this.chunks.push(this.current);
      this.current = new Float64Array(CHUNK);
      this.used = 0;
    }
    this.current[this.used++] = value;
    this.length++;
  }

  get(i: number): number {
    const chunk = Math.floor(i / CHUNK);
    return (chunk < this.chunks.length ? this.chunks[chunk] : this.current)[i - chunk * CHUNK];
  }

  /** The values pushed so far, in one array of exactly `length` (a copy, so the builder may be dropped). */
  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    this.chunks.forEach((chunk, c) => out.set(chunk, c * CHUNK));
    out.set(this.current.subarray(0, this.used), this.chunks.length * CHUNK);
    return out;
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
      throw new DataError(
        this.file,
        `row has ${count} field${count === 1 ? '' : 's'}, expected ${this.expected} (as in line ${this.firstLine})`,
        line,
      );
    }
  }
}
