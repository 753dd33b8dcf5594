/**
 * Digit grids as PNG images (pngjs): square grey-scale images (values in [0, 1], clipped; 1 drawn
 * black on white, as matplotlib's "Greys" map shows digits in scikit-learn's denoising example),
 * laid out in a grid and scaled up by an integer factor.
 */

import { PNG } from 'pngjs';

export interface GridOptions {
  /** images per row (default 10) */
  columns?: number;
  /** pixels per image pixel (default 3) */
  scale?: number;
  /** blank pixels between images, before scaling (default 1) */
  gap?: number;
}

/** A PNG of the m images in X (m × side², row-major, each image row-major), in a grid. */
export function digitGridPng(X: ArrayLike<number>, m: number, side: number, options: GridOptions = {}): Buffer {
  if (!Number.isInteger(side) || side < 1 || X.length !== m * side * side)
    throw new RangeError(`digitGridPng: ${X.length} values are not ${m} images of ${side} × ${side}`);
  const columns = Math.min(options.columns ?? 10, Math.max(m, 1));
  const scale = options.scale ?? 3;
  const gap = options.gap ?? 1;
  const rows = Math.max(1, Math.ceil(m / columns));
  const cell = side + gap;
  const png = new PNG({ width: (columns * cell + gap) * scale, height: (rows * cell + gap) * scale });
  png.data.fill(255); // white, opaque
  for (let k = 0; k < m; k++) {
    const x0 = gap + (k % columns) * cell;
    const y0 = gap + Math.floor(k / columns) * cell;
    for (let py = 0; py < side; py++)
      for (let px = 0; px < side; px++) {
        const v = Math.min(1, Math.max(0, X[k * side * side + py * side + px]));
        const grey = Math.round(255 * (1 - v));
        for (let sy = 0; sy < scale; sy++)
          for (let sx = 0; sx < scale; sx++) {
            const at = (((y0 + py) * scale + sy) * png.width + (x0 + px) * scale + sx) * 4;
            png.data[at] = png.data[at + 1] = png.data[at + 2] = grey;
          }
      }
  }
  return PNG.sync.write(png);
}

/** Decodes a PNG (for tests and checks): width, height and RGBA bytes. */
export function readPng(buffer: Buffer): PNG {
  return PNG.sync.read(buffer);
}
