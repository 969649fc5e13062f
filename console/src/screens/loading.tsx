// What every list and detail screen does the same way: read from the graph
// (again when the language changes, since the graph's messages are in it),
// forget an answer that arrives after the screen moved on, and show the
// graph's refusal, "loading", "nothing here" or the content.
import { useEffect, useState, type DependencyList, type ReactNode } from 'react';
import { GraphError } from '../graphql';
import { useSession } from '../session';

export function problemOf(error: unknown): string {
  return error instanceof GraphError ? error.message : String(error);
}

export interface Loaded<T> {
  /** undefined while loading (or after a refusal). */
  value: T | undefined;
  problem: string | null;
  setProblem(problem: string | null): void;
  /** Reads again; a refusal goes to `problem`. */
  reload(): Promise<void>;
}

/** `read` runs on mount, whenever `deps` or the language change, and on reload(). */
export function useLoaded<T>(read: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const session = useSession();
  const [value, setValue] = useState<T | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    setValue(undefined);
    setProblem(null);
    read()
      .then((next) => live && setValue(next))
      .catch((error: unknown) => live && setProblem(problemOf(error)));
    return () => {
      live = false;
    };
  }, [...deps, session.language]);

  return {
    value,
    problem,
    setProblem,
    reload: async () => {
      try {
        setValue(await read());
      } catch (error) {
        setProblem(problemOf(error));
      }
    },
  };
}

/** The refusal, "loading", "nothing here", or the content for a non-empty value. */
export function LoadedView<T>(props: {
  loaded: Pick<Loaded<T>, 'value' | 'problem'>;
  isEmpty?: (value: T) => boolean;
  emptyText: string;
  children: (value: T) => ReactNode;
}) {
  const { t } = useSession();
  const { value, problem } = props.loaded;
  if (problem)
    return (
      <p role="alert" className="problem">
        {problem}
      </p>
    );
  if (value === undefined) return <p className="loading">{t.loading}</p>;
  if (props.isEmpty?.(value)) return <p className="empty">{props.emptyText}</p>;
  return <>{props.children(value)}</>;
}

export function Tabs<K extends string>(props: {
  options: ReadonlyArray<readonly [K, string]>;
  value: K;
  onChange: (key: K) => void;
}) {
  return (
    <div className="tabs" role="tablist">
      {props.options.map(([key, label]) => (
        <button
          key={key}
          type="button"
          role="tab"
          aria-selected={props.value === key}
          className={props.value === key ? 'tab current' : 'tab'}
          onClick={() => props.onChange(key)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

export function BackLink({ href, label }: { href: string; label: string }) {
  return (
    <p>
      <a href={href}>← {label}</a>
    </p>
  );
}

/**
 * A detail page whose thing is not (yet) there: "loading", or the way back with the graph's refusal
 * (or `notFound` when the graph answered null). The page renders itself once `value` is there.
 */
export function NotLoaded(props: {
  back: { href: string; label: string };
  loaded: Pick<Loaded<unknown>, 'value' | 'problem'>;
  notFound: string;
}) {
  const { t } = useSession();
  if (props.loaded.value === undefined && !props.loaded.problem) return <p className="loading">{t.loading}</p>;
  return (
    <section>
      <BackLink {...props.back} />
      <p role="alert" className="problem">
        {props.loaded.problem ?? props.notFound}
      </p>
    </section>
  );
}
