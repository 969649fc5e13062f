// A user asks to join a partner's room with the share code the partner's
// administrator gave (askOutboundJoin), then lands on the new request's page.
// The partner is chosen by name among the active ones (partnerNames); the
// share code is a password field: it is not shown, and never again once sent.
import { useState, type FormEvent } from 'react';
import { AskOutboundJoinDocument } from '../../../../generated/console/operations';
import { GraphError } from '../../graphql';
import { href } from '../../route';
import { useSession, useWords } from '../../session';
import type { PartnerName } from '../partners/names';
import { words } from './words';

export function AskOutboundJoin({
  partners,
  onCancel,
}: {
  /** Null while partners' names load. */
  partners: readonly PartnerName[] | null;
  onCancel: () => void;
}) {
  const session = useSession();
  const w = useWords(words);
  const [partnerId, setPartnerId] = useState('');
  const [shareCode, setShareCode] = useState('');
  const [reason, setReason] = useState('');
  const [subjectId, setSubjectId] = useState('');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Only an active partner can be asked (askOutboundJoin answers CONFLICT for a suspended one).
  const active = (partners ?? []).filter((partner) => partner.active);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      const data = await session.call(AskOutboundJoinDocument, {
        partnerId,
        shareCode: shareCode.trim(),
        reason: reason.trim(),
        subjectId: subjectId.trim() || null,
      });
      location.hash = href({ page: 'outbound', id: data.askOutboundJoin.id });
    } catch (error) {
      setProblem(error instanceof GraphError ? error.message : String(error));
      setBusy(false);
    }
  }

  return (
    <form className="ask" aria-labelledby="outbound-ask-title" onSubmit={(event) => void submit(event)}>
      <h2 id="outbound-ask-title">{w.askTitle}</h2>
      <label>
        {w.partner}
        <select name="partnerId" required value={partnerId} onChange={(e) => setPartnerId(e.target.value)}>
          <option value="">{partners === null ? session.t.loading : w.choosePartner}</option>
          {active.map((partner) => (
            <option key={partner.id} value={partner.id}>
              {partner.name}
            </option>
          ))}
        </select>
        <small className="muted">{partners !== null && active.length === 0 ? w.noPartners : w.partnerHint}</small>
      </label>
      <label>
        {w.shareCode}
        <input
          name="shareCode"
          type="password"
          required
          autoComplete="off"
          value={shareCode}
          onChange={(e) => setShareCode(e.target.value)}
        />
        <small className="muted">{w.shareCodeHint}</small>
      </label>
      <label>
        {w.reason}
        <textarea
          name="reason"
          required
          maxLength={1000}
          rows={3}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />
        <small className="muted">{w.reasonHint}</small>
      </label>
      <label>
        {w.subjectId}
        <input
          name="subjectId"
          autoComplete="off"
          spellCheck={false}
          value={subjectId}
          onChange={(e) => setSubjectId(e.target.value)}
        />
        <small className="muted">{w.subjectIdHint}</small>
      </label>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {w.send}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
