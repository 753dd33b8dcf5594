import * as http from 'http';
import * as https from 'https';
import { UserError } from '../errors';

export interface DownloadOptions {
  /** give up when no byte arrives for this long (ms) */
  idleTimeoutMs?: number;
  /** give up when the whole download takes longer (ms) */
  totalTimeoutMs?: number;
  /** redirects to follow */
  maxRedirects?: number;
}

/**
 * GET a URL into memory (http or https), following redirects. Fails with a UserError naming the
 * URL on an HTTP error status, a timeout, or a body shorter than its Content-Length (a cut
 * connection), so callers never see a partial body.
 */
export async function downloadBuffer(url: string, opts: DownloadOptions = {}): Promise<Buffer> {
  const { idleTimeoutMs = 30_000, totalTimeoutMs = 300_000, maxRedirects = 5 } = opts;
  let current = url;
  for (let redirects = 0; ; redirects++) {
    const result = await getOnce(current, idleTimeoutMs, totalTimeoutMs);
    if ('body' in result) return result.body;
    if (redirects >= maxRedirects) throw new UserError(`${url}: more than ${maxRedirects} redirects`);
    current = new URL(result.location, current).toString();
  }
}

function getOnce(
  url: string,
  idleTimeoutMs: number,
  totalTimeoutMs: number,
): Promise<{ body: Buffer } | { location: string }> {
  const fail = (why: string) => new UserError(`${url}: download failed: ${why}`);
  return new Promise((resolve, reject) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      reject(new UserError(`${url}: not a valid URL`));
      return;
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
      reject(new UserError(`${url}: only http and https URLs can be downloaded`));
      return;
    }
    const client = parsed.protocol === 'https:' ? https : http;
    const request = client.get(parsed, (response) => {
      const status = response.statusCode ?? 0;
      if (status >= 300 && status < 400 && response.headers.location) {
        response.resume();
        finish(() => resolve({ location: response.headers.location as string }));
        return;
      }
      if (status !== 200) {
        response.resume();
        finish(() => reject(fail(`HTTP ${status} ${response.statusMessage ?? ''}`.trim())));
        return;
      }
      const expected = Number(response.headers['content-length'] ?? NaN);
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        received += chunk.length;
      });
      response.on('error', (err) =>
        finish(() => reject(fail(`connection lost after ${received} bytes (${err.message})`))),
      );
      response.on('aborted', () => finish(() => reject(fail(`connection lost after ${received} bytes`))));
      response.on('end', () => {
        if (Number.isFinite(expected) && received !== expected)
          finish(() => reject(fail(`connection lost after ${received} of ${expected} bytes`)));
        else finish(() => resolve({ body: Buffer.concat(chunks) }));
      });
    });
    request.setTimeout(idleTimeoutMs, () => request.destroy(fail(`no data for ${idleTimeoutMs / 1000} s`)));
    const deadline = setTimeout(
      () => request.destroy(fail(`not finished after ${totalTimeoutMs / 1000} s`)),
      totalTimeoutMs,
    );
    request.on('error', (err) => finish(() => reject(err instanceof UserError ? err : fail(err.message))));
    let done = false;
    function finish(settle: () => void): void {
      if (done) return;
      done = true;
      clearTimeout(deadline);
      settle();
    }
  });
}
