// The partner registration form as plain data (no React, so it is unit-tested):
// what the person typed, the RegisterPartnerInput or (only what changed) the
// UpdatePartnerInput it becomes, and which field a BAD_USER_INPUT names.
import type {
  PartnerAuthMethod,
  PartnerConsentInJoin,
  PartnerInboundAuthMethod,
  RegisterPartnerInput,
  UpdatePartnerInput,
} from '../../../../generated/console/operations';

export interface PartnerForm {
  name: string;
  fhirBaseUrl: string;
  requesterSystem: string;
  userSystem: string;
  jwks: string;
  jwksUrl: string;
  /** One SHA-256 fingerprint per line. */
  certificateFingerprints: string;
  inboundAuth: PartnerInboundAuthMethod;
  outboundAuth: PartnerAuthMethod;
  consentInJoin: PartnerConsentInJoin;
  subscribeAtPartner: boolean;
  ourClientId: string;
  /** PEM, one or more certificates. */
  caCertificates: string;
}

export type PartnerField = keyof PartnerForm;

export const partnerFields: readonly PartnerField[] = [
  'name',
  'fhirBaseUrl',
  'requesterSystem',
  'userSystem',
  'jwks',
  'jwksUrl',
  'certificateFingerprints',
  'inboundAuth',
  'outboundAuth',
  'consentInJoin',
  'subscribeAtPartner',
  'ourClientId',
  'caCertificates',
];

export const emptyPartnerForm: PartnerForm = {
  name: '',
  fhirBaseUrl: '',
  requesterSystem: '',
  userSystem: '',
  jwks: '',
  jwksUrl: '',
  certificateFingerprints: '',
  inboundAuth: 'CONTRACT_JWT',
  outboundAuth: 'JWT',
  // The graph's own default (a contract v1 partner keeps working); REQUIRED is one choice away.
  consentInJoin: 'OPTIONAL',
  subscribeAtPartner: true,
  ourClientId: '',
  caCertificates: '',
};

/** A registered partner as the form shows it for a change. */
export function formOfPartner(partner: {
  name: string;
  fhirBaseUrl: string;
  requesterSystem: string;
  userSystem: string;
  jwks: string;
  jwksUrl?: string | null;
  certificateFingerprints: readonly string[];
  inboundAuth: PartnerInboundAuthMethod;
  outboundAuth: PartnerAuthMethod;
  consentInJoin: PartnerConsentInJoin;
  subscribeAtPartner: boolean;
  ourClientId?: string | null;
  caCertificates: ReadonlyArray<{ pem: string }>;
}): PartnerForm {
  return {
    name: partner.name,
    fhirBaseUrl: partner.fhirBaseUrl,
    requesterSystem: partner.requesterSystem,
    userSystem: partner.userSystem,
    jwks: partner.jwks,
    jwksUrl: partner.jwksUrl ?? '',
    certificateFingerprints: partner.certificateFingerprints.join('\n'),
    inboundAuth: partner.inboundAuth,
    outboundAuth: partner.outboundAuth,
    consentInJoin: partner.consentInJoin,
    subscribeAtPartner: partner.subscribeAtPartner,
    ourClientId: partner.ourClientId ?? '',
    caCertificates: partner.caCertificates.map((c) => c.pem.trim()).join('\n'),
  };
}

const lines = (text: string) =>
  text
    .split(/[\s,]+/)
    .map((line) => line.trim())
    .filter((line) => line !== '');

/** What is sent to register: trimmed; an optional field left empty is not sent (the graph's default holds). */
export function registerInputOf(form: PartnerForm): RegisterPartnerInput {
  const optional = (value: string) => (value.trim() === '' ? undefined : value.trim());
  const fingerprints = lines(form.certificateFingerprints);
  return {
    name: form.name.trim(),
    fhirBaseUrl: form.fhirBaseUrl.trim(),
    requesterSystem: form.requesterSystem.trim(),
    userSystem: form.userSystem.trim(),
    jwks: optional(form.jwks),
    jwksUrl: optional(form.jwksUrl),
    certificateFingerprints: fingerprints.length > 0 ? fingerprints : undefined,
    inboundAuth: form.inboundAuth,
    outboundAuth: form.outboundAuth,
    consentInJoin: form.consentInJoin,
    subscribeAtPartner: form.subscribeAtPartner,
    ourClientId: optional(form.ourClientId),
    caCertificates: optional(form.caCertificates),
  };
}

/**
 * What is sent to change a partner: only the fields that differ from `before` (the graph changes only
 * those). An emptied jwksUrl or CA text is sent empty, which removes it; an emptied required text or
 * JWK set is sent as typed, for the graph to refuse by its field.
 */
export function updateInputOf(form: PartnerForm, before: PartnerForm): UpdatePartnerInput {
  const input: UpdatePartnerInput = {};
  const text = (field: Exclude<PartnerField, 'certificateFingerprints' | 'subscribeAtPartner'>) =>
    (form[field] as string).trim() !== (before[field] as string).trim();
  if (text('name')) input.name = form.name.trim();
  if (text('fhirBaseUrl')) input.fhirBaseUrl = form.fhirBaseUrl.trim();
  if (text('requesterSystem')) input.requesterSystem = form.requesterSystem.trim();
  if (text('userSystem')) input.userSystem = form.userSystem.trim();
  if (text('jwks')) input.jwks = form.jwks.trim();
  if (text('jwksUrl')) input.jwksUrl = form.jwksUrl.trim();
  if (lines(form.certificateFingerprints).join() !== lines(before.certificateFingerprints).join())
    input.certificateFingerprints = lines(form.certificateFingerprints);
  if (form.inboundAuth !== before.inboundAuth) input.inboundAuth = form.inboundAuth;
  if (form.outboundAuth !== before.outboundAuth) input.outboundAuth = form.outboundAuth;
  if (form.consentInJoin !== before.consentInJoin) input.consentInJoin = form.consentInJoin;
  if (form.subscribeAtPartner !== before.subscribeAtPartner) input.subscribeAtPartner = form.subscribeAtPartner;
  if (text('ourClientId')) input.ourClientId = form.ourClientId.trim();
  if (text('caCertificates')) input.caCertificates = form.caCertificates.trim();
  return input;
}

/**
 * The form's field a refusal names, when it names one: the graph's BAD_USER_INPUT message starts with
 * the field's path ("input.fhirBaseUrl: …", "input.certificateFingerprints.0: …", "jwks: …").
 */
export function problemField(message: string): PartnerField | null {
  const match = /^(?:input\.)?([A-Za-z]+)(?:\.\d+)?:\s/.exec(message);
  const field = match?.[1];
  return field && (partnerFields as readonly string[]).includes(field) ? (field as PartnerField) : null;
}

/** The message without the field's path, to show beside the field that it names. */
export function withoutField(message: string): string {
  return message.replace(/^(?:input\.)?[A-Za-z]+(?:\.\d+)?:\s/, '');
}
