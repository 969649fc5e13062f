// Registering a partner (RegisterPartnerInput) or changing one
// (UpdatePartnerInput: only what changed is sent). The graph checks
// everything; when its BAD_USER_INPUT names a field, the refusal is shown
// beside that field (and the field marked invalid), otherwise above the buttons.
import { useState, type FormEvent, type ReactNode } from 'react';
import type {
  PartnerAuthMethod,
  PartnerConsentInJoin,
  PartnerInboundAuthMethod,
} from '../../../../generated/console/operations';
import { GraphError } from '../../graphql';
import { useWords } from '../../session';
import { problemOf } from '../loading';
import { problemField, withoutField, type PartnerField, type PartnerForm } from './form';
import { words } from './words';

export function PartnerFormView(props: {
  title: string;
  initial: PartnerForm;
  submitLabel: string;
  /** Sends the form; a refusal is thrown (GraphError). */
  onSubmit: (form: PartnerForm) => Promise<void>;
  onCancel: () => void;
}) {
  const w = useWords(words);
  const [form, setForm] = useState<PartnerForm>(props.initial);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ field: PartnerField | null; message: string } | null>(null);

  const set = <K extends PartnerField>(field: K, value: PartnerForm[K]) => setForm({ ...form, [field]: value });

  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    setProblem(null);
    try {
      await props.onSubmit(form);
    } catch (error) {
      const message = problemOf(error);
      const field = error instanceof GraphError && error.code === 'BAD_USER_INPUT' ? problemField(message) : null;
      setProblem({ field, message: field ? withoutField(message) : message });
      setBusy(false);
    }
  }

  /** A field's label, input and hint, with the graph's refusal when it names this field. */
  const row = (field: PartnerField, label: string, input: ReactNode, hint?: string) => {
    const mine = problem?.field === field;
    return (
      <div className={mine ? 'field invalid' : 'field'} data-field={field}>
        <label htmlFor={`partner-${field}`}>{label}</label>
        {input}
        {hint && <small className="muted">{hint}</small>}
        {mine && (
          <p role="alert" className="problem" id={`partner-${field}-problem`}>
            {problem.message}
          </p>
        )}
      </div>
    );
  };
  const common = (field: PartnerField) => ({
    id: `partner-${field}`,
    name: field,
    'aria-invalid': problem?.field === field || undefined,
    'aria-describedby': problem?.field === field ? `partner-${field}-problem` : undefined,
  });
  const text = (field: Exclude<PartnerField, 'subscribeAtPartner'>, required = false) => (
    <input
      {...common(field)}
      required={required}
      autoComplete="off"
      spellCheck={false}
      value={form[field]}
      onChange={(e) => set(field, e.target.value as never)}
    />
  );
  const area = (field: 'jwks' | 'certificateFingerprints' | 'caCertificates', rows: number) => (
    <textarea
      {...common(field)}
      rows={rows}
      spellCheck={false}
      className="code"
      value={form[field]}
      onChange={(e) => set(field, e.target.value)}
    />
  );

  return (
    <form className="partner-form" aria-label={props.title} onSubmit={(event) => void submit(event)}>
      <h2>{props.title}</h2>
      {row('name', w.name, text('name', true), w.nameHint)}
      {row('fhirBaseUrl', w.fhirBaseUrl, text('fhirBaseUrl', true), w.fhirBaseUrlHint)}
      {row('requesterSystem', w.requesterSystem, text('requesterSystem', true), w.systemHint)}
      {row('userSystem', w.userSystem, text('userSystem', true), w.systemHint)}
      <fieldset>
        <legend>{w.inboundSection}</legend>
        {row(
          'inboundAuth',
          w.inboundAuth,
          <select
            {...common('inboundAuth')}
            value={form.inboundAuth}
            onChange={(e) => set('inboundAuth', e.target.value as PartnerInboundAuthMethod)}
          >
            <option value="CONTRACT_JWT">{w.CONTRACT_JWT}</option>
            <option value="SMART_BACKEND">{w.SMART_BACKEND_IN}</option>
          </select>,
        )}
        {row('jwks', w.jwks, area('jwks', 4), w.jwksHint)}
        {row('jwksUrl', w.jwksUrl, text('jwksUrl'), w.jwksUrlHint)}
        {row(
          'certificateFingerprints',
          w.certificateFingerprints,
          area('certificateFingerprints', 2),
          w.fingerprintsHint,
        )}
      </fieldset>
      <fieldset>
        <legend>{w.outboundSection}</legend>
        {row(
          'outboundAuth',
          w.outboundAuth,
          <select
            {...common('outboundAuth')}
            value={form.outboundAuth}
            onChange={(e) => set('outboundAuth', e.target.value as PartnerAuthMethod)}
          >
            <option value="JWT">{w.JWT}</option>
            <option value="MTLS">{w.MTLS}</option>
            <option value="SMART_BACKEND">{w.SMART_BACKEND_OUT}</option>
          </select>,
        )}
        {row('ourClientId', w.ourClientId, text('ourClientId'), w.ourClientIdHint)}
        {row('caCertificates', w.caCertificates, area('caCertificates', 4), w.caCertificatesHint)}
      </fieldset>
      <fieldset>
        <legend>{w.contractSection}</legend>
        {row(
          'consentInJoin',
          w.consentInJoin,
          <select
            {...common('consentInJoin')}
            value={form.consentInJoin}
            onChange={(e) => set('consentInJoin', e.target.value as PartnerConsentInJoin)}
          >
            <option value="REQUIRED">{w.REQUIRED}</option>
            <option value="OPTIONAL">{w.OPTIONAL}</option>
          </select>,
        )}
        <div className="field" data-field="subscribeAtPartner">
          <label className="inline">
            <input
              type="checkbox"
              name="subscribeAtPartner"
              checked={form.subscribeAtPartner}
              onChange={(e) => set('subscribeAtPartner', e.target.checked)}
            />
            {w.subscribeAtPartner}
          </label>
          {problem?.field === 'subscribeAtPartner' && (
            <p role="alert" className="problem">
              {problem.message}
            </p>
          )}
        </div>
      </fieldset>
      {problem && !problem.field && (
        <p role="alert" className="problem">
          {problem.message}
        </p>
      )}
      <div className="actions">
        <button type="submit" disabled={busy}>
          {props.submitLabel}
        </button>
        <button type="button" className="secondary" onClick={props.onCancel}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
