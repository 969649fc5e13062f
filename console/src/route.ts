// Where the console is: the part of the URL after `#`, so the gateway serves
// one page (/) and a reload or a bookmark keeps the screen. An address the
// console does not know is the inbox.
import { useEffect, useState } from 'react';

/** The screens that list things, each also showing one of them at #/<page>/<id>. */
const listPages = [
  'applications',
  'room-applications',
  'facilities',
  'rooms',
  'subjects',
  'exchange',
  'outbound',
  'partners',
  'faults',
  'audit',
  'emergency',
] as const;
type ListPage = (typeof listPages)[number];

export type Route = { page: 'inbox' } | { page: ListPage; id?: string };

const ids = /^[0-9a-f-]{36}$/i;

export function parseRoute(hash: string): Route {
  const [page, id] = hash.replace(/^#\/?/, '').split('/');
  const withId = id && ids.test(id) ? { id } : {};
  if ((listPages as readonly string[]).includes(page ?? '')) return { page: page as ListPage, ...withId };
  return { page: 'inbox' };
}

export function href(route: Route): string {
  if (route.page === 'inbox') return '#/';
  return `#/${route.page}${'id' in route && route.id ? `/${route.id}` : ''}`;
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const follow = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', follow);
    return () => removeEventListener('hashchange', follow);
  }, []);
  return route;
}
