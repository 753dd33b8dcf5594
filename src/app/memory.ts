/**
 * The memory a run may use: the machine's, or less where a container (cgroup) limits it. A plan
 * measured against os.totalmem() alone passes in a container and is then killed by its limit.
 */
import { readFileSync } from 'fs';
import * as os from 'os';
import { join } from 'path';

/** Where cgroup v2 and v1 keep a process's memory limit. */
const CGROUP_LIMIT_FILES = ['memory.max', join('memory', 'memory.limit_in_bytes')];

/** The smallest cgroup memory limit under `root` (bytes), or null where none applies ("max", absent, or beyond the machine). */
export function cgroupMemoryLimit(root = '/sys/fs/cgroup'): number | null {
  let limit: number | null = null;
  for (const file of CGROUP_LIMIT_FILES) {
    let text: string;
    try {
      text = readFileSync(join(root, file), 'utf8').trim();
    } catch {
      continue;
    }
    const bytes = Number(text);
    // "max" (v2) and 2^63 rounded to pages (v1) mean no limit
    if (Number.isSafeInteger(bytes) && bytes > 0 && bytes < os.totalmem()) limit = Math.min(limit ?? bytes, bytes);
  }
  return limit;
}

/** Bytes this process may use: physical memory, or the container's limit when that is lower. */
export function usableMemory(root?: string): number {
  return cgroupMemoryLimit(root) ?? os.totalmem();
}
