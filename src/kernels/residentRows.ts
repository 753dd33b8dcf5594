/**
 * A row source whose rows stay on a device (webgpuResident.ts): the engine never receives a B × l block
 * of rows, only what its blocked update reads of them, and the block's products come from the device.
 */
import type { RowSource } from './rowSource';

/** The products of one block of rows R (n × l): every matrix row-major, r × n (n × n for R Rᵀ). */
export interface ResidentProducts {
  /** C Rᵀ */
  PC: Float64Array;
  /** CK Rᵀ, with the device's CK (null: the schedule keeps no A K') */
  PCK: Float64Array | null;
  /** D Rᵀ (null: not SMD) */
  PD: Float64Array | null;
  /** R Rᵀ, full */
  RRt: Float64Array;
  /** CK's columns indices[b] (r × n), with the device's CK */
  CKcol: Float64Array;
}

export interface ResidentRows extends RowSource {
  readonly resident: true;
  /**
   * Writes into out[b·l + indices[b']] the corner K'[indices[b'], indices[b]] only: every other entry
   * of `out` is left as it was (the blocked update reads nothing else). The device keeps the rows,
   * keyed by `out` (the engine fetches the next block into its other buffer while it steps).
   */
  rows(indices: ArrayLike<number>, out: Float64Array): Promise<void>;
  /** ‖k'_p‖² of a row fetched before */
  rowSquare(p: number): number;
  /** The products of the block fetched into `rows` with the device's C, D (SMD) and CK (when kept) */
  blockProducts(
    rows: Float64Array,
    count: number,
    withCK: boolean,
    withD: boolean,
    out: ResidentProducts,
  ): Promise<void>;
  /**
   * CK ← M CK + H R + Σ_b V[:, b] e_{indices[b]}ᵀ on the device, for the block fetched into `rows`
   * (M: r × r, H and V: r × count). Queued in order with everything else; returns at once.
   */
  updateCK(rows: Float64Array, count: number, M: Float64Array, H: Float64Array, V: Float64Array): void;
  /**
   * [C; D] ← T [C; D] on the device, then their columns indices[b] become `columns` (k × count,
   * k = r or 2r with D; T: k × k), for the block fetched into `rows`. Queued; returns at once.
   */
  updateCD(rows: Float64Array, count: number, T: Float64Array, columns: Float64Array): void;
  /** the device's CK ← CK (r × l) */
  uploadCK(CK: Float64Array): void;
  /** the device's C and D ← C, D (r × l each) */
  uploadCD(C: Float64Array, D: Float64Array | null): void;
  /** CK (r × l) ← the device's */
  readCK(CK: Float64Array): Promise<void>;
  /** X K' for an r × l matrix X (rows r·l), computed on the device a block at a time; `signal` stops it within a few */
  multiply(
    X: Float64Array,
    out: Float64Array,
    onProgress?: (done: number, total: number) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  /** bytes read back from the device so far */
  readonly bytesRead: number;
  /** bytes of data written to the device so far (the 16–32-byte shader parameters aside) */
  readonly bytesWritten: number;
}

export function isResident(source: RowSource): source is ResidentRows {
  return (source as Partial<ResidentRows>).resident === true;
}
