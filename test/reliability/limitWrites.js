// Preloaded (node --require) into the kpca child of test/reliability/writes.test.ts: simulates a file
// system that fills up. Every file handle's write accepts at most the bytes left in a budget of
// KPCA_TEST_WRITE_BUDGET bytes for the whole process, then returns short counts and finally 0,
// as write(2) does on a full disk, without raising ENOSPC.
const fsp = require('fs').promises;
let budget = Number(process.env.KPCA_TEST_WRITE_BUDGET);
const realOpen = fsp.open.bind(fsp);
fsp.open = async (...args) => {
  const handle = await realOpen(...args);
  const realWrite = handle.write.bind(handle);
  handle.write = async (buffer, offset = 0, length = buffer.byteLength - offset, position) => {
    const allowed = Math.max(0, Math.min(length, budget));
    budget -= allowed;
    if (allowed === 0) return { bytesWritten: 0, buffer };
    return realWrite(buffer, offset, allowed, position);
  };
  return handle;
};
