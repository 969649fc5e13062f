// The language of a request's messages, chosen once at the gateway from the
// caller's Accept-Language (RFC 9110 §12.5.4: q-values, the first acceptable
// language wins; `ja…` is Japanese, `en…` English) and English when the
// header is absent, names neither, or only `*` (the API's documented
// default; we never answer 406). The gateway passes the choice to the
// subgraphs in an internal header beside the request id; a client cannot set
// that header itself (gateway/subgraph-headers.ts drops every x-renkei-*
// header a client sends).
//
// Services reach it through AsyncLocalStorage, as they reach the request id
// (lib/request-id.ts): errors are raised deep in services that know nothing
// of HTTP, and rendered in formatError, which gets no request context.
// Outside a request (jobs, the FHIR endpoint) the language is English.
import { AsyncLocalStorage } from 'node:async_hooks';
import { defaultLanguage, languages, type Language } from './message';

/** Gateway → subgraph (the internal prefix: dropped from client requests). */
export const internalLanguageHeader = 'x-renkei-language';

interface Range {
  language: Language | '*' | null;
  q: number;
  index: number;
}

function rangeOf(part: string, index: number): Range | null {
  const [tagPart, ...params] = part.split(';');
  const tag = tagPart?.trim().toLowerCase() ?? '';
  if (tag === '' || !/^(\*|[a-z]{1,8}(-[a-z0-9]{1,8})*)$/.test(tag)) return null;
  let q = 1;
  for (const param of params) {
    const match = /^\s*q\s*=\s*(0(\.\d{0,3})?|1(\.0{0,3})?)\s*$/i.exec(param);
    if (match) q = Number(match[1]);
    else if (/^\s*q\s*=/i.test(param)) return null;
  }
  const primary = tag.split('-')[0];
  const language =
    tag === '*' ? '*' : (languages as readonly string[]).includes(primary ?? '') ? (primary as Language) : null;
  return { language, q, index };
}

/** The language for an Accept-Language header value (or none). */
export function negotiateLanguage(header: string | string[] | undefined): Language {
  const value = Array.isArray(header) ? header.join(',') : header;
  if (!value) return defaultLanguage;
  const ranges = value
    .slice(0, 1000)
    .split(',')
    .map(rangeOf)
    .filter((range): range is Range => range !== null && range.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  const excluded = new Set(
    value
      .split(',')
      .map(rangeOf)
      .filter((range): range is Range => range !== null && range.q === 0)
      .map((range) => range.language),
  );
  for (const range of ranges) {
    if (range.language === '*') {
      const any = [defaultLanguage, ...languages].find((language) => !excluded.has(language));
      if (any) return any;
    } else if (range.language !== null) return range.language;
  }
  return defaultLanguage;
}

/** The internal header's value, trusted only as one of our languages. */
export function languageFromInternalHeader(header: string | string[] | undefined): Language {
  return typeof header === 'string' && (languages as readonly string[]).includes(header)
    ? (header as Language)
    : defaultLanguage;
}

const storage = new AsyncLocalStorage<{ language: Language }>();

/** Runs `fn` (and everything it awaits) with messages in `language`. */
export function withLanguage<T>(language: Language, fn: () => T): T {
  return storage.run({ language }, fn);
}

/** The language of the request being served; English outside one. */
export function currentLanguage(): Language {
  return storage.getStore()?.language ?? defaultLanguage;
}
