// Where protected-api's log lines go: stdout, written once per event-loop turn. A busy API ends
// several requests in one turn; their lines leave together in one synchronous write when the turn
// is done (setImmediate), so a line reaches stdout within the turn that made it, not in blocks
// (a killed process loses at most the lines of the turn it was killed in), and a request does not
// pay for a write of its own: about 7 µs a request against pino's asynchronous destination, whose
// writes go through libuv's thread pool (bench/README.md).
import { pino, type DestinationStream } from 'pino';

export interface FlushableDestination extends DestinationStream {
  /** Writes what the current turn made, now (at exit). */
  flush(): void;
}

/** @param fd what to write to (1: stdout); sonic-boom does the synchronous writes and retries EAGAIN. */
export function writtenPerTurn(fd = 1): FlushableDestination {
  const writer = pino.destination({ dest: fd, sync: true });
  let pending = '';
  const flush = () => {
    if (pending === '') return;
    const lines = pending;
    pending = '';
    writer.write(lines);
  };
  // process.exit() (the shutdown hooks end with it) runs no further turn.
  process.once('exit', flush);
  return {
    write(line: string) {
      if (pending === '') setImmediate(flush);
      pending += line;
    },
    flush,
  };
}
