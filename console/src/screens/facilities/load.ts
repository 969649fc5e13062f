// One read of the graph for a screen: loading, the answer, or the graph's
// refusal (its own message), read again when the language changes (the
// graph's messages are in it) or when `reload` is called.
import { useCallback, useEffect, useRef, useState } from 'react';
import { GraphError } from '../../graphql';
import { useSession, type Session } from '../../session';

export type Loaded<T> = { state: 'loading' } | { state: 'done'; data: T } | { state: 'problem'; message: string };

export function problemOf(error: unknown, session: Session): string {
  return error instanceof GraphError ? error.message : session.t.networkError;
}

export function useLoad<T>(read: (session: Session) => Promise<T>, key: string): [Loaded<T>, () => void] {
  const session = useSession();
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [round, setRound] = useState(0);
  const shown = useRef(key);
  useEffect(() => {
    let live = true;
    // Another record: nothing of the previous one stays on screen while this one is read.
    if (shown.current !== key) {
      shown.current = key;
      setLoaded({ state: 'loading' });
    }
    read(session)
      .then((data) => live && setLoaded({ state: 'done', data }))
      .catch((error: unknown) => live && setLoaded({ state: 'problem', message: problemOf(error, session) }));
    return () => {
      live = false;
    };
    // Not on every render: on another facility, language or an explicit reload.
  }, [key, session.language, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return [loaded, reload];
}
