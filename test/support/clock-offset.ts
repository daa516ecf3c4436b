// Test-only preload (`node --import`): moves this process's wall clock ahead by the milliseconds
// written in CLOCK_OFFSET_FILE (re-read every 50 ms), so a test can put a daemon 13 hours after
// its token was issued without waiting 13 hours. Only Date moves; timers keep real time.
// Erasable TypeScript only: Node 24 loads it directly.
import { readFileSync } from 'node:fs';

const offsetFile = process.env.CLOCK_OFFSET_FILE;
if (offsetFile) {
  const RealDate = Date;
  let offsetMs = 0;
  const readOffset = () => {
    try {
      offsetMs = Number(readFileSync(offsetFile, 'utf8')) || 0;
    } catch {
      // keep the last offset while the file is being rewritten
    }
  };
  readOffset();
  setInterval(readOffset, 50).unref();

  class ShiftedDate extends RealDate {
    constructor(...args: ConstructorParameters<DateConstructor> | []) {
      if (args.length === 0) super(RealDate.now() + offsetMs);
      else super(...(args as ConstructorParameters<DateConstructor>));
    }

    static override now(): number {
      return RealDate.now() + offsetMs;
    }
  }
  globalThis.Date = ShiftedDate as DateConstructor;
}
