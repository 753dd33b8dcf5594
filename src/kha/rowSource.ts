/** RowSource lives with the Gram backends (src/kernels), below kha; this name stays for existing importers. */
export type { RowSource } from '../kernels/rowSource';
