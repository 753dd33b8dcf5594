/**
 * Checks of values read from files (model and checkpoint headers): a file is data from elsewhere, so
 * every field is checked for type, range, length and finiteness before it is used. A failed check
 * throws a FieldError naming the field; `validated` turns it into the UserError of that file.
 */
import { UserError } from '../errors';

export class FieldError extends Error {}

/** Run `check` on what was read from `file`; a FieldError becomes `file: not a usable WHAT: field: …` (exit 2). */
export function validated<T>(file: string, what: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof FieldError) throw new UserError(`${file}: not a usable ${what}: ${err.message}`);
    throw err;
  }
}

function show(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}`;
  const text = JSON.stringify(value) ?? typeof value; // undefined for functions and symbols
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

export function fail(field: string, expected: string, found: unknown): never {
  throw new FieldError(`${field}: expected ${expected}, found ${show(found)}`);
}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(field, 'an object', value);
  return value as Record<string, unknown>;
}

export function string(value: unknown, field: string, pattern?: RegExp): string {
  if (typeof value !== 'string' || (pattern && !pattern.test(value)))
    fail(field, pattern ? `a string matching ${pattern}` : 'a string', value);
  return value;
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') fail(field, 'true or false', value);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, values: readonly T[]): T {
  if (!values.includes(value as T)) fail(field, `one of ${values.join(', ')}`, value);
  return value as T;
}

/** An integer in [min, max]. */
export function integer(value: unknown, field: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!(Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max))
    fail(field, `an integer in [${min}, ${max}]`, value);
  return value as number;
}

/** A finite number, optionally > exclusiveMin or ≥ min. */
export function finite(value: unknown, field: string, range: { min?: number; exclusiveMin?: number } = {}): number {
  const v = value as number;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (range.min === undefined || v >= range.min) &&
    (range.exclusiveMin === undefined || v > range.exclusiveMin);
  if (!ok) {
    const bound =
      range.min !== undefined ? ` ≥ ${range.min}` : range.exclusiveMin !== undefined ? ` > ${range.exclusiveMin}` : '';
    fail(field, `a finite number${bound}`, value);
  }
  return v;
}

export function stringArray(value: unknown, field: string, length?: number): string[] {
  const strings = Array.isArray(value) && value.every((s) => typeof s === 'string');
  if (!strings || (length !== undefined && value.length !== length))
    fail(field, `an array of ${length ?? 'any number of'} strings`, value);
  return value;
}

/**
 * A float64 array of `length` finite values; `shape` says where the length comes from, e.g.
 * `(l=5, d=2, r=2)`.
 */
export function finiteArray(value: unknown, field: string, length: number, shape = ''): Float64Array {
  if (!(value instanceof Float64Array)) fail(field, 'a float64 array', value);
  const a = value;
  if (a.length !== length)
    throw new FieldError(`${field} has ${a.length} values, expected ${length}${shape ? ` ${shape}` : ''}`);
  for (let i = 0; i < a.length; i++)
    if (!Number.isFinite(a[i])) throw new FieldError(`${field}[${i}] is ${a[i]}, expected a finite number`);
  return a;
}

/** An int32 array holding each of 0 … length−1 once. */
export function permutation(value: unknown, field: string, length: number): Int32Array {
  if (!(value instanceof Int32Array)) fail(field, 'an int32 array', value);
  const p = value;
  if (p.length !== length) throw new FieldError(`${field} has ${p.length} values, expected ${length}`);
  const seen = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    const v = p[i];
    if (v < 0 || v >= length || seen[v])
      throw new FieldError(`${field} is not a permutation of 0…${length - 1} (${v} at position ${i})`);
    seen[v] = 1;
  }
  return p;
}

/** An array of `length` items (any number when undefined), each checked by `item` as `field[i]`. */
export function arrayOf<T>(
  value: unknown,
  field: string,
  item: (value: unknown, field: string, index: number) => T,
  length?: number,
): T[] {
  if (!Array.isArray(value) || (length !== undefined && value.length !== length))
    fail(field, `an array of ${length ?? 'any number of'} items`, value);
  return value.map((v, i) => item(v, `${field}[${i}]`, i));
}

/** `length` finite numbers (a plain array, as JSON holds them). */
export function numbers(value: unknown, field: string, length?: number): number[] {
  return arrayOf(value, field, (v, f) => finite(v, f), length);
}

/** A finite number, or null: JSON's form of a value that was NaN or infinite when written. */
export function finiteOrNull(value: unknown, field: string): number | null {
  return value === null ? null : finite(value, field);
}
