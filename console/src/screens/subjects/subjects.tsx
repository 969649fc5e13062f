// 対象者と同意: the Art. 18 search by kana name and birth date (each subject
// found is an audited read), registering a person nobody found, one subject's
// page (subject.tsx) and, for the managers who answer them, the Art. 18
// existence checks (existence-checks.tsx).
import { useState, type FormEvent } from 'react';
import {
  AskRoomExistsDocument,
  FindSubjectsDocument,
  RegisterSubjectDocument,
  SubjectPageDocument,
  type FindSubjectsQuery,
  type SubjectCategory,
  type SubjectSex,
} from '../../../../generated/console/operations';
import type { Me } from '../../app';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import { StepOutcome } from '../decision';
import { ExistenceChecks } from './existence-checks';
import { day, has, subjectRoles, todayInJapan, problemText } from './format';
import { SubjectPage } from './subject';
import { words } from './words';
import './subjects.css';

type Found = FindSubjectsQuery['findSubjects'];

const sexes: readonly SubjectSex[] = ['UNKNOWN', 'FEMALE', 'MALE', 'OTHER'];
const categories: readonly SubjectCategory[] = [
  'RECEIVING_HOME_SUPPORT',
  'EXPECTED_TO_NEED_SUPPORT',
  'OTHER_APPROVED_BY_CITY',
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function Subjects({ me, id }: { me: Me; id?: string }) {
  if (id) return <SubjectPage key={id} me={me} id={id} />;
  return (
    <div className="subjects">
      <SubjectSearch me={me} />
      <ExistenceChecks me={me} />
    </div>
  );
}

function SubjectSearch({ me }: { me: Me }) {
  const session = useSession();
  const w = useWords(words);
  const [nameKana, setNameKana] = useState('');
  const [birthDate, setBirthDate] = useState('');
  const [asked, setAsked] = useState<{ nameKana: string; birthDate: string } | null>(null);
  const [found, setFound] = useState<Found | null>(null);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  if (!has(subjectRoles, me.user.role))
    return (
      <section aria-labelledby="subjects-title">
        <h1 id="subjects-title">{w.title}</h1>
      </section>
    );

  async function search(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setFound(null);
    const question = { nameKana: nameKana.trim(), birthDate };
    try {
      const data = await session.call(FindSubjectsDocument, question);
      setAsked(question);
      setFound(data.findSubjects);
    } catch (error) {
      setAsked(null);
      setProblem(problemText(error, w));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="subjects-title">
      <h1 id="subjects-title">{w.title}</h1>
      <p className="lead">{w.lead}</p>
      <h2>{w.searchTitle}</h2>
      <form className="subject-form search" onSubmit={(e) => void search(e)} aria-label={w.searchTitle}>
        <p className="muted">{w.searchLead}</p>
        <div className="row">
          <label>
            {w.nameKana}
            <input
              name="nameKana"
              required
              maxLength={100}
              value={nameKana}
              placeholder="たかおか たろう"
              onChange={(e) => setNameKana(e.target.value)}
            />
          </label>
          <label>
            {w.birthDate}
            <input
              name="birthDate"
              type="date"
              required
              max={todayInJapan()}
              value={birthDate}
              onChange={(e) => setBirthDate(e.target.value)}
            />
          </label>
          <button type="submit" disabled={busy}>
            {busy ? w.searching : w.search}
          </button>
        </div>
      </form>
      <StepOutcome problem={problem} notice={null} />
      {found !== null && found.length > 0 && (
        <>
          <h2>{w.found}</h2>
          <p className="muted">{w.auditedRead}</p>
          <table className="list">
            <thead>
              <tr>
                <th>{w.name}</th>
                <th>{w.nameKana}</th>
                <th>{w.birthDate}</th>
                <th>{w.sex}</th>
              </tr>
            </thead>
            <tbody>
              {found.map((s) => (
                <tr key={s.id} data-subject={s.id}>
                  <td>
                    <a href={href({ page: 'subjects', id: s.id })}>{s.name}</a>
                  </td>
                  <td>{s.nameKana}</td>
                  <td>{day(s.birthDate, session.language)}</td>
                  <td>{w[s.sex]}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {found !== null && found.length === 0 && asked && (
        <>
          <p className="empty" role="status">
            {w.noneFound}
          </p>
          <RegisterForm key={`${asked.nameKana}|${asked.birthDate}`} asked={asked} />
        </>
      )}
    </section>
  );
}

function RegisterForm({ asked }: { asked: { nameKana: string; birthDate: string } }) {
  const session = useSession();
  const w = useWords(words);
  const [name, setName] = useState('');
  const [nameKana, setNameKana] = useState(asked.nameKana);
  const [birthDate, setBirthDate] = useState(asked.birthDate);
  const [sex, setSex] = useState<SubjectSex>('UNKNOWN');
  const [address, setAddress] = useState('');
  const [category, setCategory] = useState<SubjectCategory>('RECEIVING_HOME_SUPPORT');
  const [system, setSystem] = useState('');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);

  async function register(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    setNotice(null);
    setConflict(false);
    try {
      const identifiers = system.trim() && value.trim() ? [{ system: system.trim(), value: value.trim() }] : null;
      const { registerSubject } = await session.call(RegisterSubjectDocument, {
        input: {
          name: name.trim(),
          nameKana: nameKana.trim(),
          birthDate,
          sex,
          address: address.trim() || null,
          category,
          identifiers,
        },
      });
      setNotice(w.preparing);
      await readable(registerSubject.id);
      location.hash = href({ page: 'subjects', id: registerSubject.id });
    } catch (error) {
      setProblem(problemText(error, w));
      setConflict(error instanceof GraphError && error.code === 'CONFLICT');
    } finally {
      setBusy(false);
    }
  }

  /** The registration makes the caller related to the person; every part of the graph knows it within seconds. */
  async function readable(id: string) {
    for (let attempt = 0; attempt < 20; attempt += 1) {
      try {
        await session.call(SubjectPageDocument, { id });
        return;
      } catch (error) {
        if (!(error instanceof GraphError) || error.code !== 'FORBIDDEN') return;
        await pause(500);
      }
    }
  }

  async function ask() {
    setBusy(true);
    setProblem(null);
    try {
      await session.call(AskRoomExistsDocument, { nameKana: nameKana.trim(), birthDate });
      setConflict(false);
      setNotice(w.asked);
    } catch (error) {
      setProblem(problemText(error, w));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <h2>{w.registerTitle}</h2>
      <form className="subject-form" onSubmit={(e) => void register(e)} aria-label={w.registerTitle}>
        <p className="muted">{w.registerLead}</p>
        <label>
          {w.name}
          <input name="name" required maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label>
          {w.nameKana}
          <input
            name="nameKana"
            required
            maxLength={100}
            value={nameKana}
            onChange={(e) => setNameKana(e.target.value)}
          />
        </label>
        <label>
          {w.birthDate}
          <input
            name="birthDate"
            type="date"
            required
            max={todayInJapan()}
            value={birthDate}
            onChange={(e) => setBirthDate(e.target.value)}
          />
        </label>
        <label>
          {w.sex}
          <select name="sex" value={sex} onChange={(e) => setSex(e.target.value as SubjectSex)}>
            {sexes.map((s) => (
              <option key={s} value={s}>
                {w[s]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w.category}
          <select name="category" value={category} onChange={(e) => setCategory(e.target.value as SubjectCategory)}>
            {categories.map((c) => (
              <option key={c} value={c}>
                {w[c]}
              </option>
            ))}
          </select>
        </label>
        <label>
          {w.address}
          <input name="address" maxLength={300} value={address} onChange={(e) => setAddress(e.target.value)} />
        </label>
        <div className="row">
          <label>
            {w.identifierSystem}
            <input name="identifierSystem" maxLength={100} value={system} onChange={(e) => setSystem(e.target.value)} />
          </label>
          <label>
            {w.identifierValue}
            <input name="identifierValue" maxLength={100} value={value} onChange={(e) => setValue(e.target.value)} />
          </label>
        </div>
        <StepOutcome problem={problem} notice={notice} />
        <div className="actions">
          <button type="submit" disabled={busy}>
            {w.register}
          </button>
          {conflict && (
            <button type="button" className="secondary" disabled={busy} onClick={() => void ask()}>
              {w.askRoomExists}
            </button>
          )}
        </div>
      </form>
    </>
  );
}
