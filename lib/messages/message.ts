// Error messages are bilingual at their source. Every refusal the graph or
// the gateway's door gives is written once, in English and in Japanese, where
// it is raised, as a `Message`; `appError` and `sendError` take nothing else,
// so the compiler finds every place that makes one and none can be left in
// one language. The language a caller reads is chosen once per request
// (lib/messages/language.ts) and applied only where the message leaves the
// process (lib/graphql-errors.ts formatError, lib/http-errors.ts sendError).
// Inside the process an error's `message` stays English (logs, the FHIR
// boundary's OperationOutcomes, which keep the partner contract's English).
//
// We chose messages beside the code that raises them over a catalog of keys:
// a reader sees what the caller will be told at the place it happens, and a
// message that takes values (a limit, a status) is an ordinary template.
//
// One style. English: full sentences with a capital letter and a full stop,
// saying what to do where there is something to do. Japanese: です/ます, in
// the regulations' own terms (利用者, システム管理責任者, 部屋, 同意書,
// 様式N). Never personal data (names, birth dates); ids only where the
// caller already sent them.

export const languages = ['en', 'ja'] as const;
export type Language = (typeof languages)[number];

/** The API's documented default: a caller that asks for neither language reads English. */
export const defaultLanguage: Language = 'en';

export interface Message {
  readonly en: string;
  readonly ja: string;
}

export function render(message: Message, language: Language): string {
  return message[language];
}

/** Several messages as one (each already a full sentence). */
export function joinMessages(messages: readonly Message[]): Message {
  return { en: messages.map((m) => m.en).join(' '), ja: messages.map((m) => m.ja).join('') };
}

/** A message about one argument: "input.name: It must not be empty." */
export function aboutField(field: string, message: Message): Message {
  return { en: `${field}: ${message.en}`, ja: `${field}: ${message.ja}` };
}

export function isMessage(value: unknown): value is Message {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Message).en === 'string' &&
    typeof (value as Message).ja === 'string'
  );
}
