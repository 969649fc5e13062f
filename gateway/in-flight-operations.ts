// The operations the gateway is executing, so that stopping waits for them
// before the subgraphs stop. A client that hangs up does not end its
// operation: the gateway's HTTP server closes once its sockets are gone, while
// the operation's query plan still has fetches to make, and those would meet
// subgraphs that had already stopped (the bench's stops logged "unexpected
// error" for them; test/e2e/gateway-stop-drain.test.ts holds one on purpose).
// Counted in Apollo's request pipeline, so the operations the disclosure export
// and certificate download run through the gateway are counted too.
import type { ApolloServerPlugin } from '@apollo/server';

export interface InFlightOperations {
  plugin: ApolloServerPlugin<object>;
  /** Operations started and not yet answered. */
  readonly count: number;
  /** Resolves true once none is running, or false after `timeoutMs` with some still running. */
  drained(timeoutMs: number): Promise<boolean>;
}

export function inFlightOperations(): InFlightOperations {
  let count = 0;
  let waiters: Array<() => void> = [];
  const ended = () => {
    count -= 1;
    if (count > 0) return;
    for (const wake of waiters) wake();
    waiters = [];
  };
  return {
    get count() {
      return count;
    },
    plugin: {
      async requestDidStart() {
        count += 1;
        let answered = false;
        return {
          // Apollo calls it for every operation it started, on success and on error alike.
          async willSendResponse() {
            if (answered) return;
            answered = true;
            ended();
          },
        };
      },
    },
    drained: (timeoutMs) =>
      count === 0
        ? Promise.resolve(true)
        : new Promise((resolve) => {
            const timer = setTimeout(() => resolve(false), timeoutMs);
            waiters.push(() => {
              clearTimeout(timer);
              resolve(true);
            });
          }),
  };
}
