// Who is signed in, for the whole console. The session token lives in this
// tab's sessionStorage (it survives a reload, not the tab) and in memory;
// nothing else about the person is stored on the terminal (appendix 2-4 of
// the regulations: no personal data kept on terminals). When the graph says
// the session is over (UNAUTHENTICATED: expired, ended, certificate or account
// no longer valid), the console forgets it and shows the sign-in page with
// the graph's own message: nothing of the previous page stays on screen.
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { GraphError, request, sessionOverCodes } from './graphql';
import { browserLanguage, messages, type Language, type Messages } from './messages';
import { wordsIn, type Words } from './words';

const tokenKey = 'renkei.session';
const languageKey = 'renkei.language';

export interface Session {
  language: Language;
  t: Messages;
  setLanguage(language: Language): void;
  token: string | null;
  /** Shown on the sign-in page: why the last session ended. */
  notice: string | null;
  signedIn(token: string): void;
  /** Forget the session; `notice` says why on the sign-in page. */
  end(notice: string | null): void;
  /** Runs an operation as the signed-in person; a session that is over ends here. */
  call<Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables): Promise<Result>;
}

const SessionContext = createContext<Session | null>(null);

function storedLanguage(): Language {
  const stored = localStorage.getItem(languageKey);
  return stored === 'ja' || stored === 'en' ? stored : browserLanguage(navigator.languages);
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [language, setLanguageState] = useState<Language>(storedLanguage);
  const [token, setToken] = useState<string | null>(() => sessionStorage.getItem(tokenKey));
  const [notice, setNotice] = useState<string | null>(null);
  const t = messages[language];

  const setLanguage = useCallback((next: Language) => {
    localStorage.setItem(languageKey, next);
    document.documentElement.lang = next;
    setLanguageState(next);
  }, []);

  const signedIn = useCallback((next: string) => {
    sessionStorage.setItem(tokenKey, next);
    setNotice(null);
    setToken(next);
  }, []);

  const end = useCallback((why: string | null) => {
    sessionStorage.removeItem(tokenKey);
    setNotice(why);
    setToken(null);
  }, []);

  const call = useCallback(
    async <Result, Variables>(document: TypedDocumentNode<Result, Variables>, variables: Variables) => {
      try {
        return await request(document, variables, { token, language, networkErrorMessage: t.networkError });
      } catch (error) {
        // Only the session the request was sent with ends, and only once: a request still in flight
        // when its session ended is refused later, and that late refusal must neither replace the
        // first one's message nor end a session signed in since.
        const current = token !== null && token === sessionStorage.getItem(tokenKey);
        if (current && error instanceof GraphError && sessionOverCodes.has(error.code)) end(error.message);
        throw error;
      }
    },
    [token, language, t, end],
  );

  const value = useMemo(
    () => ({ language, t, setLanguage, token, notice, signedIn, end, call }),
    [language, t, setLanguage, token, notice, signedIn, end, call],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

/** A screen's own words (words.ts) in the console's language. */
export function useWords<T extends Record<string, string>>(words: Words<T>): { [K in keyof T]: string } {
  return wordsIn(words, useSession().language);
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}
