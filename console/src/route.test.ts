import { href, parseRoute } from './route';

describe("the console's addresses", () => {
  const id = '0b7e3c1a-2f4d-4e5a-9b6c-7d8e9f0a1b2c';

  it('read a page and an id, and write them back the same', () => {
    for (const route of [
      { page: 'inbox' },
      { page: 'applications' },
      { page: 'applications', id },
      { page: 'room-applications', id },
      { page: 'rooms', id },
      { page: 'subjects', id },
      { page: 'exchange', id },
      { page: 'outbound', id },
      { page: 'facilities', id },
      { page: 'partners', id },
      { page: 'faults', id },
      { page: 'audit', id },
      { page: 'emergency' },
    ] as const)
      expect(parseRoute(href(route))).toEqual(route);
  });

  it('take anything else for the inbox, and drop an id that is not one', () => {
    expect(parseRoute('')).toEqual({ page: 'inbox' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'inbox' });
    expect(parseRoute('#/applications/<script>')).toEqual({ page: 'applications' });
  });
});
