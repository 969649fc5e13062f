import { browserLanguage, messages } from './messages';

/** Every key path of a catalog, nested ones (the role names) included. */
function keysOf(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, inner]) =>
    typeof inner === 'object' && inner !== null ? keysOf(inner as object, `${prefix}${key}.`) : [`${prefix}${key}`],
  );
}

describe("the console's words", () => {
  it('are there in Japanese and in English for every key, none empty', () => {
    expect(keysOf(messages.en).sort()).toEqual(keysOf(messages.ja).sort());
    for (const catalog of [messages.ja, messages.en])
      for (const key of keysOf(catalog)) {
        const text = key.split('.').reduce<unknown>((at, part) => (at as Record<string, unknown>)[part], catalog);
        expect(typeof text === 'string' && text.trim().length > 0).toBe(true);
      }
  });

  it('name every role the graph has', () => {
    const roles = ['SYSTEM_ADMIN', 'ADMIN_MANAGER', 'HOSPITAL_MANAGER', 'FACILITY_MANAGER', 'USER'];
    for (const catalog of [messages.ja, messages.en]) expect(Object.keys(catalog.roles).sort()).toEqual(roles.sort());
  });

  it("follow the browser's first language we have, Japanese otherwise", () => {
    expect(browserLanguage(['en-US', 'ja'])).toBe('en');
    expect(browserLanguage(['fr-FR', 'ja-JP'])).toBe('ja');
    expect(browserLanguage(['fr-FR', 'de'])).toBe('ja');
    expect(browserLanguage([])).toBe('ja');
  });
});
