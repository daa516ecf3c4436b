// Test-only preload for the load rounds (NODE_OPTIONS="--expose-gc --import=<this file>"): on
// SIGUSR2 the process collects garbage and prints its heap in use, so growth between two rounds is
// measured after GC, without an inspector and without any code in the app.
process.on('SIGUSR2', () => {
  globalThis.gc?.();
  globalThis.gc?.();
  const { heapUsed } = process.memoryUsage();
  process.stderr.write(`heap-probe gc=${typeof globalThis.gc} heapUsed=${heapUsed}\n`);
});
