/**
 * Call `onLine(text, lineNumber)` for every line of a chunked text (line numbers 1-based, CR of
 * CRLF removed, blank lines included so that numbering stays true). A callback rather than an
 * async generator: one promise per line would dominate the cost of reading USPS-sized files.
 */
export async function forEachLine(
  chunks: AsyncIterable<string>,
  onLine: (text: string, line: number) => void,
): Promise<void> {
  let carry = '';
  let line = 0;
  for await (const chunk of chunks) {
    const text = carry + chunk;
    let start = 0;
    for (let end = text.indexOf('\n'); end >= 0; end = text.indexOf('\n', start)) {
      onLine(stripCr(text.slice(start, end)), ++line);
      start = end + 1;
    }
    carry = text.slice(start);
  }
  if (carry.length > 0) onLine(stripCr(carry), line + 1);
}

function stripCr(text: string): string {
  return text.endsWith('\r') ? text.slice(0, -1) : text;
}
