/**
 * Text ⇄ number rules shared by every reader and writer, so that all formats accept and reject the
 * same fields with the same words.
 */
import { DataError } from '../errors';

/**
 * The value of a trimmed field, or NaN when it is not a finite decimal number (NaN never passes
 * as data, so it can stand for "rejected"). The hot path of every reader, so it leans on Number()
 * (faster than a validating regex) and then rules out what Number() accepts beyond plain decimals:
 * blank text (→ 0), "Infinity" and overflow (→ ±Infinity), and the 0x/0b/0o integer forms.
 */
export function toFiniteNumber(text: string): number {
  const value = Number(text);
  if (!Number.isFinite(value)) return NaN;
  // Number("") and Number("  ") are 0; a real zero has a digit.
  if (value === 0 && !/\d/.test(text)) return NaN;
  if (text.length > 1 && text.charCodeAt(0) === 0x30 /* 0 */) {
    const prefix = text.charCodeAt(1) | 0x20; // lower case
    if (prefix === 0x78 /* x */ || prefix === 0x62 /* b */ || prefix === 0x6f /* o */) return NaN;
  }
  return value;
}

/** 10^0 … 10^22: the powers of ten that a float64 holds exactly. */
const EXACT_POWERS_OF_TEN = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * The value of the field `text[start, end)`, or NaN when it is not a finite decimal number:
 * `toFiniteNumber(text.slice(start, end))` without the slice for the common case. A plain decimal
 * with at most 15 significant digits and no exponent ("-0.6310", "0.29", "255") is computed as
 * m / 10^k with m and 10^k exact doubles: one correctly rounded division, hence bit-identical to
 * Number() (Clinger's fast path). Everything else goes to toFiniteNumber.
 */
export function parseFieldAt(text: string, start: number, end: number): number {
  let i = start;
  let c = text.charCodeAt(i);
  const negative = c === 0x2d; /* - */
  if (negative || c === 0x2b /* + */) i++;
  let mantissa = 0;
  let significantDigits = 0;
  let fractionDigits = 0;
  let sawDigit = false;
  let sawPoint = false;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      sawDigit = true;
      if (mantissa !== 0 || c !== 0x30) significantDigits++;
      mantissa = mantissa * 10 + (c - 0x30);
      if (sawPoint) fractionDigits++;
    } else if (c === 0x2e /* . */ && !sawPoint) sawPoint = true;
    else break;
  }
  if (i === end && sawDigit && significantDigits <= 15 && fractionDigits <= 22) {
    const magnitude = mantissa / EXACT_POWERS_OF_TEN[fractionDigits];
    return negative ? -magnitude : magnitude;
  }
  return toFiniteNumber(text.slice(start, end));
}

/** True when `text` (trimmed) is a finite decimal number: the header and label sniffing test. */
export function isNumeric(text: string): boolean {
  return !Number.isNaN(toFiniteNumber(text));
}

/**
 * The located error for a field that `toFiniteNumber` rejected, saying what was found. `hint` is
 * appended only when the field is text rather than a bad number (empty, NaN, Inf, overflow), as
 * that is when a reader may suspect a label column.
 */
export function numberFieldError(file: string, text: string, line: number, column: number, hint = ''): DataError {
  let detail: string;
  if (text.trim() === '') detail = 'expected a number, found an empty field';
  else if (/^[+-]?(?:nan|inf|infinity)$/i.test(text)) detail = `expected a finite number, found "${text}"`;
  else if (Math.abs(Number(text)) === Infinity)
    detail = `number "${clip(text)}" is too large: it overflows to ${text.startsWith('-') ? '-' : ''}Infinity`;
  else detail = `expected a number, found "${clip(text)}"${hint}`;
  return new DataError(file, detail, line, column);
}

/**
 * Labels are kept as text, but numeric labels are normalized so that "6.0000" (USPS train file),
 * "6" (USPS test file) and "+6" name the same class: "6".
 */
export function normalizeLabel(text: string): string {
  return isNumeric(text) ? String(Number(text)) : text;
}

/**
 * The shortest decimal that reads back to the same float64 (`String(x)` guarantees that), except
 * that -0 keeps its sign so that a write/read round trip is bit-identical.
 */
export function formatNumber(x: number): string {
  return Object.is(x, -0) ? '-0' : String(x);
}

/** Long garbage fields are shortened in messages so that one line stays one line. */
function clip(text: string): string {
  const oneLine = text.replace(/[\r\n]/g, ' ');
  return oneLine.length > 40 ? `${oneLine.slice(0, 37)}...` : oneLine;
}
