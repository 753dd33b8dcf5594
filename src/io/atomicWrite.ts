import { constants, promises as fs } from 'fs';
import * as path from 'path';
import { UserError } from '../errors';

/** `.NAME.PID.STAMP.tmp`: the temporary file beside NAME while this tool writes it. */
const temporaryName = (base: string, pid: number) => `.${base}.${pid}.${Date.now().toString(36)}.tmp`;
const escapeRegExp = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Write a file atomically: write a temporary file beside the target, fsync it, then rename it over
 * the target. A crash or a failed write (full disk) leaves the previous file intact and no
 * half-written output; the temporary file is removed on failure. Every byte count the file system
 * returns is checked: a short write is continued, a write that makes no progress is an error. File
 * system errors name the user's path (not the temporary file) and are UserErrors (exit 2).
 * After a successful write, temporary files of earlier writers of the same target that died
 * (SIGKILL) are removed.
 */
export async function writeFileAtomic(
  target: string,
  data: string | Uint8Array | Array<string | Uint8Array>,
): Promise<void> {
  const dir = path.dirname(path.resolve(target));
  const base = path.basename(target);
  const tmp = path.join(dir, temporaryName(base, process.pid));
  const chunks = Array.isArray(data) ? data : [data];
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(tmp, 'wx');
    for (const chunk of chunks) await writeAll(handle, typeof chunk === 'string' ? Buffer.from(chunk) : chunk, target);
    await handle.sync();
    await handle.close();
    handle = undefined;
    await fs.rename(tmp, target);
  } catch (err) {
    if (handle) await handle.close().catch(() => undefined);
    await fs.rm(tmp, { force: true }).catch(() => undefined);
    throw writeError(err, target);
  }
  await removeStaleTemporaries(dir, base);
}

/** Write all of `bytes`, continuing after short writes; a write that makes no progress fails. */
async function writeAll(handle: fs.FileHandle, bytes: Uint8Array, target: string): Promise<void> {
  let offset = 0;
  while (offset < bytes.length) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    if (!(Number.isInteger(bytesWritten) && bytesWritten > 0 && bytesWritten <= bytes.length - offset))
      throw new UserError(
        `${target}: cannot write: the file system accepted ${bytesWritten} of ${bytes.length - offset} bytes ` +
          '(is the disk full?); the previous file, if any, is intact',
      );
    offset += bytesWritten;
  }
}

const WRITE_ERRORS: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EFBIG: 'file too large for this file system',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'read-only file system',
  EISDIR: 'is a directory, expected a file name',
  ENOENT: 'no such directory',
  ENOTDIR: 'a component of the path is not a directory',
  EIO: 'input/output error',
};

/** File-system errors of a write, located at the user's path (the temporary file means nothing to them). */
function writeError(err: unknown, target: string): unknown {
  const code = (err as NodeJS.ErrnoException)?.code;
  if (err instanceof UserError || typeof code !== 'string' || !(code in WRITE_ERRORS)) return err;
  return new UserError(`${target}: cannot write: ${WRITE_ERRORS[code]}; the previous file, if any, is intact`);
}

/**
 * Check before a long computation that `target` can be written: not a directory, in an existing,
 * writable directory. Throws the UserError a failed write would.
 */
export async function checkWritable(target: string): Promise<void> {
  const stat = await fs.stat(target).catch(() => null);
  if (stat?.isDirectory()) throw writeError(Object.assign(new Error('EISDIR'), { code: 'EISDIR' }), target);
  try {
    await fs.access(path.dirname(path.resolve(target)), constants.W_OK | constants.X_OK);
  } catch (err) {
    throw writeError(err, target);
  }
}

/** Whether process `pid` exists (EPERM: it does, under another user). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Remove `.BASE.PID.*.tmp` files beside the target whose writer no longer runs. */
async function removeStaleTemporaries(dir: string, base: string): Promise<void> {
  const pattern = new RegExp(`^\\.${escapeRegExp(base)}\\.(\\d+)\\.[0-9a-z]+\\.tmp$`);
  const names = await fs.readdir(dir).catch(() => [] as string[]);
  for (const name of names) {
    const pid = Number(pattern.exec(name)?.[1]);
    if (Number.isSafeInteger(pid) && pid > 0 && pid !== process.pid && !alive(pid))
      await fs.rm(path.join(dir, name), { force: true }).catch(() => undefined);
  }
}
