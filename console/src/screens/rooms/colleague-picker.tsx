// Choosing colleagues from the directory of professionals (issue 13): a
// search box (name or kana, the graph decides what a search may be and says
// why not), the results with name, kana, facility and role, and the chosen
// list. Used by Form 8 (ask-for-room.tsx) and Form 9 (members.tsx).
import { useState, type KeyboardEvent } from 'react';
import { FindColleaguesDocument, type ColleagueFragment } from '../../../../generated/console/operations';
import { GraphError } from '../../graphql';
import { useSession, useWords } from '../../session';
import { peopleWords } from './people-words';
import './rooms.css';

export type Colleague = ColleagueFragment;

export function ColleaguePicker(props: {
  chosen: readonly Colleague[];
  onChange: (chosen: Colleague[]) => void;
  /** People who may not be chosen (the asker, current members): shown, but not offered. */
  excluded?: ReadonlySet<string>;
  /** At most this many (1 for a paper Form 9's one member in). */
  max?: number;
  legend?: string;
}) {
  const session = useSession();
  const w = useWords(peopleWords);
  const [search, setSearch] = useState('');
  const [results, setResults] = useState<Colleague[] | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const chosenIds = new Set(props.chosen.map((c) => c.id));
  const full = props.max !== undefined && props.chosen.length >= props.max;

  async function find() {
    setBusy(true);
    setProblem(null);
    try {
      const { colleagues } = await session.call(FindColleaguesDocument, { search });
      setResults(colleagues);
    } catch (error) {
      setResults(null);
      setProblem(error instanceof GraphError ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  }

  // The picker sits inside the form's own <form>: Enter searches instead of submitting it.
  function onKey(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void find();
  }

  return (
    <fieldset className="colleague-picker">
      <legend>{props.legend ?? w.pickerLegend}</legend>
      <div className="picker-search">
        <label>
          {w.search}
          <input
            type="search"
            name="colleagueSearch"
            maxLength={50}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            onKeyDown={onKey}
          />
        </label>
        <button type="button" className="secondary" disabled={busy} onClick={() => void find()}>
          {w.searchButton}
        </button>
      </div>
      {busy && <p className="muted">{w.searching}</p>}
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      {results && results.length === 0 && <p className="empty">{w.noResults}</p>}
      {results && results.length > 0 && (
        <table className="picker-results">
          <caption>{w.resultsCaption}</caption>
          <thead>
            <tr>
              <th scope="col">{w.name}</th>
              <th scope="col">{w.nameKana}</th>
              <th scope="col">{w.facility}</th>
              <th scope="col">{w.role}</th>
              <th scope="col">
                <span className="visually-hidden">{w.choose}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {results.map((c) => (
              <tr key={c.id} data-colleague={c.id}>
                <td>{c.name}</td>
                <td>{c.nameKana}</td>
                <td>{c.facility.name}</td>
                <td>{session.t.roles[c.role] ?? c.role}</td>
                <td>
                  {props.excluded?.has(c.id) ? (
                    <span className="muted">{w.alreadyIn}</span>
                  ) : (
                    <button
                      type="button"
                      className="secondary small"
                      disabled={chosenIds.has(c.id) || full}
                      aria-label={`${w.choose}: ${c.name}`}
                      onClick={() => props.onChange([...props.chosen, c])}
                    >
                      {w.choose}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="picker-chosen" data-chosen>
        <strong>{w.chosen}</strong>
        {props.chosen.length === 0 ? (
          <p className="muted">{w.noneChosen}</p>
        ) : (
          <ul>
            {props.chosen.map((c) => (
              <li key={c.id} data-chosen-colleague={c.id}>
                {c.name}（{c.nameKana}）— {c.facility.name}、{session.t.roles[c.role] ?? c.role}{' '}
                <button
                  type="button"
                  className="secondary small"
                  aria-label={`${w.unchoose}: ${c.name}`}
                  onClick={() => props.onChange(props.chosen.filter((other) => other.id !== c.id))}
                >
                  {w.unchoose}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </fieldset>
  );
}
