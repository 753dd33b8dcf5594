import { promises as fs } from 'fs';
import * as path from 'path';

/**
 * Write a file atomically: write a temporary file beside the target, fsync it, then rename it over
 * the target. A crash or a failed write (full disk) leaves the previous file intact and no
 * half-written output; the temporary file is removed on failure.
 */
export async function writeFileAtomic(target: string, data: string | Uint8Array | Array<string | Uint8Array>): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const tmp = path.join(dir, `.${path.basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  const chunks = Array.isArray(data) ? data : [data];
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    for (const chunk of chunks) await handle.write(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
}
