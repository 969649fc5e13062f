// The rooms' and consent's access records and identity's audit trail are
// hash-chained: verifying walks each chain (the graph does, system administrators only) and says whether it
// holds, how many records were checked, and where and how it breaks when it
// does not. Each chain is verified on its own: one refused or failing does not
// hide the others' answers.
import { useState } from 'react';
import {
  VerifyConsentAccessChainDocument,
  VerifyIdentityAuditChainDocument,
  VerifyRoomsAccessChainDocument,
  type AuditChainFragment,
} from '../../../../generated/console/operations';
import type { Language } from '../../messages';
import { useSession, useWords } from '../../session';
import { problemOf } from '../loading';
import { words } from './words';

type ChainName = 'rooms' | 'consent' | 'identity';

interface Checked {
  at: string;
  result?: AuditChainFragment;
  problem?: string;
}

export interface Chains {
  checked: Partial<Record<ChainName, Checked>>;
  busy: boolean;
  verify(): Promise<void>;
}

/** The chains' last answers, kept by the screen so that they survive a change of tab. */
export function useChains(): Chains {
  const session = useSession();
  const [checked, setChecked] = useState<Partial<Record<ChainName, Checked>>>({});
  const [busy, setBusy] = useState(false);

  async function one(name: ChainName): Promise<Checked> {
    try {
      const result =
        name === 'rooms'
          ? (await session.call(VerifyRoomsAccessChainDocument, {})).verifyRoomsAccessChain
          : name === 'consent'
            ? (await session.call(VerifyConsentAccessChainDocument, {})).verifyConsentAccessChain
            : (await session.call(VerifyIdentityAuditChainDocument, {})).verifyIdentityAuditChain;
      return { at: new Date().toISOString(), result };
    } catch (error) {
      return { at: new Date().toISOString(), problem: problemOf(error) };
    }
  }

  async function verify() {
    setBusy(true);
    try {
      const [rooms, consent, identity] = await Promise.all([one('rooms'), one('consent'), one('identity')]);
      setChecked({ rooms, consent, identity });
    } finally {
      setBusy(false);
    }
  }

  return { checked, busy, verify };
}

/** The instant of a check, to the second, in Japan time. */
function checkedWhen(iso: string, language: Language): string {
  return new Intl.DateTimeFormat(language === 'ja' ? 'ja-JP' : 'en-GB', {
    dateStyle: 'medium',
    timeStyle: 'medium',
    timeZone: 'Asia/Tokyo',
  }).format(new Date(iso));
}

export function ChainsPanel({ chains }: { chains: Chains }) {
  const w = useWords(words);
  return (
    <div className="panel chains">
      <p className="lead">{w.chainsLead}</p>
      <div className="actions">
        <button type="button" disabled={chains.busy} onClick={() => void chains.verify()}>
          {chains.busy ? w.verifying : w.verify}
        </button>
      </div>
      <div className="chain-cards">
        <ChainCard name="rooms" title={w.roomsChain} checked={chains.checked.rooms} />
        <ChainCard name="consent" title={w.consentChain} checked={chains.checked.consent} />
        <ChainCard name="identity" title={w.identityChain} checked={chains.checked.identity} />
      </div>
    </div>
  );
}

function ChainCard({ name, title, checked }: { name: ChainName; title: string; checked?: Checked }) {
  const session = useSession();
  const w = useWords(words);
  const result = checked?.result;
  return (
    <section
      className={`chain ${result ? (result.ok ? 'intact' : 'broken') : ''}`}
      aria-label={title}
      data-chain={name}
      data-ok={result ? String(result.ok) : undefined}
    >
      <h2>{title}</h2>
      {!checked && <p className="muted">{w.notVerified}</p>}
      {checked?.problem && (
        <p role="alert" className="problem">
          {checked.problem}
        </p>
      )}
      {result && (
        <>
          <p>
            <span className={`badge ${result.ok ? 'good' : 'bad'}`} data-verdict>
              {result.ok ? w.intact : w.broken}
            </span>
          </p>
          <dl className="fields">
            <dt>{w.checkedAt}</dt>
            <dd data-checked-at>{checkedWhen(checked.at, session.language)}</dd>
            <dt>{result.ok ? w.recordsChecked : w.recordsIntact}</dt>
            <dd data-records>
              {result.records.toLocaleString(session.language)} {w.recordsUnit}
            </dd>
            {result.brokenAt != null && (
              <>
                <dt>{w.brokenAt}</dt>
                <dd className="code" data-broken-at>
                  {result.brokenAt}
                </dd>
              </>
            )}
            {result.reason && (
              <>
                <dt>{w.breakReason}</dt>
                <dd data-reason={result.reason}>{w[result.reason]}</dd>
              </>
            )}
          </dl>
        </>
      )}
    </section>
  );
}
