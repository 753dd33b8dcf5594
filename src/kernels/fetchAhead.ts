/**
 * The results of fetch(0), fetch(1), …, fetch(n − 1) in order, each fetch started before the
 * previous result is handed out: asynchronous work on the next one (Gram rows on worker threads)
 * overlaps the caller's work on the current one. At most two results are live at a time, so a
 * fetch may reuse the buffer of the result two before it (i % 2).
 *
 * Leaving early (break, return, a throw in the caller's loop) waits for the fetch started ahead and
 * ignores its outcome: its source is idle and its buffer free when the caller goes on.
 */
export async function* fetchAhead<T>(n: number, fetch: (i: number) => Promise<T>): AsyncGenerator<T> {
  let ahead = n > 0 ? started(fetch(0)) : null;
  try {
    for (let i = 1; ahead; i++) {
      const result = await ahead;
      ahead = i < n ? started(fetch(i)) : null;
      yield result;
    }
  } finally {
    await ahead?.catch(() => undefined);
  }
}

/** A fetch awaited only later, maybe after the caller yielded to the event loop: never an unhandled rejection meanwhile. */
function started<T>(fetch: Promise<T>): Promise<T> {
  fetch.catch(() => undefined);
  return fetch;
}
