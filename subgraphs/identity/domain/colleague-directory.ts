// The directory of the network's professionals (issue 13): how a user finds
// colleagues to invite to a room (Form 8) or to add to one (Form 9). The
// rules, pure, so each one is unit-tested; the service only reads.
//
// Decisions (docs/access-rules.md, "The directory of professionals"):
// - Who may search: any signed-in user of the network, whatever the role
//   (forms 8 and 9 are filled in by users, paper Form 9 by managers). An
//   anonymous caller, the gateway itself and a partner system are refused:
//   the directory is for the network's own people, never for outsiders.
// - Who is found: active users (not suspended, disabled, retired or deleted)
//   of facilities that still use the network: the people who can be invited.
// - What a result reveals: who the colleague is (name, kana, role, facility,
//   org unit), which any co-member of a room already sees
//   (domain/user-visibility.ts). The account fields keep their own rule.
//   Nothing about subjects: a directory row says where a professional works,
//   not whom they care for.
// - The limits: a search of 2 to 50 characters (after NFKC and without
//   spaces), at most 20 results: enough to pick a colleague, too few to copy
//   the directory out. One character would list half the network.
import { z } from 'zod';
import type { Principal } from '../../../lib/access/principal';
import { inputMessage } from '../../../lib/messages/input-issues';
import { normalizeKanaName } from './name-normalization';

export const directoryMinSearch = 2;
export const directoryMaxSearch = 50;
export const directoryLimit = 20;

/** Whether `principal` may search the directory: a signed-in user of the network (any role). Pure. */
export function mayUseDirectory(principal: Principal): boolean {
  return principal.kind === 'user';
}

const whitespace = /\s/gu;

/** The search folded for a name match: NFKC, no spaces, lower case (for Latin letters). */
export function nameSearchKey(value: string): string {
  return value.normalize('NFKC').replace(whitespace, '').toLowerCase();
}

/** What a search looks for: the name as written (folded) and the kana folded as identity folds kana (Art. 18). */
export interface DirectoryTerms {
  name: string;
  kana: string;
}

export function directoryTerms(search: string): DirectoryTerms {
  return { name: nameSearchKey(search), kana: normalizeKanaName(search) };
}

/** The boundary's check of the search: 2 to 50 characters once NFKC-normalized and without spaces. */
export const directorySearch = z
  .string()
  .transform((value) => nameSearchKey(value))
  .refine(
    (value) => [...value].length >= directoryMinSearch,
    inputMessage({
      en: `Type at least ${directoryMinSearch} characters of the name or its kana.`,
      ja: `氏名またはふりがなを${directoryMinSearch}文字以上入力してください。`,
    }),
  )
  .refine(
    (value) => [...value].length <= directoryMaxSearch,
    inputMessage({
      en: `It must be at most ${directoryMaxSearch} characters.`,
      ja: `${directoryMaxSearch}文字以内にしてください。`,
    }),
  );

/** The facts of a user the directory decides on. */
export interface DirectoryCandidate {
  name: string;
  nameKana: string;
  status: string;
  facilityStatus: string;
}

/** Whether a person may be listed at all: an active account of a facility in use. */
export function isListable(person: Pick<DirectoryCandidate, 'status' | 'facilityStatus'>): boolean {
  return person.status === 'ACTIVE' && person.facilityStatus === 'ACTIVE';
}

/** Whether `person` is found by the search: listable, and the name or the kana contains the search. Pure. */
export function matchesDirectory(person: DirectoryCandidate, terms: DirectoryTerms): boolean {
  if (!isListable(person)) return false;
  if (terms.name.length > 0 && nameSearchKey(person.name).includes(terms.name)) return true;
  return terms.kana.length > 0 && normalizeKanaName(person.nameKana).includes(terms.kana);
}
