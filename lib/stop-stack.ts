// What a process or a system started, stopped in the reverse order, once. A second stop waits for
// the first instead of stopping each part again: a server's close() fails when it is not running,
// and a caller that stops twice (a test stopping the system, then its fixture stopping everything)
// would otherwise get that error instead of the rest of its clean-up. (Until 2026-12-07 the stops
// were reversed in place, so a second stop also ran them in start order.)
export type Stop = () => Promise<void>;

export interface StopStack {
  /** Adds a part's stop; parts stop last-started first. */
  push(stop: Stop): void;
  /** Stops every part pushed, in reverse; later calls return the first call's promise. */
  stopAll: Stop;
}

export function stopStack(): StopStack {
  const stops: Stop[] = [];
  let stopping: Promise<void> | undefined;
  return {
    push: (stop) => {
      stops.push(stop);
    },
    stopAll: () =>
      (stopping ??= (async () => {
        for (const stop of [...stops].reverse()) await stop();
      })()),
  };
}
