// Group commit for records that are written on their own (reads and
// refusals): every append to a hash chain holds the chain's lock from its
// first statement to its commit, so appends one by one serialize the whole
// process on that lock (measured: most busy connections waited on it under
// a timeline load). Callers that arrive while a batch is being written are
// gathered into the next batch, which takes the lock once and commits once;
// each caller still waits for the commit of the batch that holds its item,
// and a failed batch fails every caller in it. Items keep their order.
export type GroupCommit<T> = (item: T) => Promise<void>;

export function groupCommit<T>(write: (batch: T[]) => Promise<void>, maxBatch = 200): GroupCommit<T> {
  let waiting: Array<{ item: T; done: () => void; failed: (error: unknown) => void }> = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    while (waiting.length > 0) {
      const batch = waiting.slice(0, maxBatch);
      waiting = waiting.slice(batch.length);
      try {
        await write(batch.map((entry) => entry.item));
        for (const entry of batch) entry.done();
      } catch (error) {
        for (const entry of batch) entry.failed(error);
      }
    }
    writing = false;
  }

  return (item) =>
    new Promise<void>((done, failed) => {
      waiting.push({ item, done, failed });
      if (!writing) void drain();
    });
}

/** One committer per database handle (a process may hold several, e.g. in tests). */
export function committerPerHandle<Handle extends object, T>(
  make: (handle: Handle) => GroupCommit<T>,
): (handle: Handle) => GroupCommit<T> {
  const committers = new WeakMap<Handle, GroupCommit<T>>();
  return (handle) => {
    let committer = committers.get(handle);
    if (!committer) {
      committer = make(handle);
      committers.set(handle, committer);
    }
    return committer;
  };
}
