import { currentLanguage, languageFromInternalHeader, negotiateLanguage, withLanguage } from './language';

describe('negotiateLanguage (Accept-Language, RFC 9110 §12.5.4)', () => {
  it('answers English when the caller names neither language, or nothing', () => {
    expect(negotiateLanguage(undefined)).toBe('en');
    expect(negotiateLanguage('')).toBe('en');
    expect(negotiateLanguage('fr-FR, de;q=0.8')).toBe('en');
    expect(negotiateLanguage('*')).toBe('en');
    expect(negotiateLanguage('garbage;;;q=x')).toBe('en');
  });

  it('takes ja… as Japanese and en… as English, whatever the region or case', () => {
    expect(negotiateLanguage('ja')).toBe('ja');
    expect(negotiateLanguage('ja-JP')).toBe('ja');
    expect(negotiateLanguage('JA-jp')).toBe('ja');
    expect(negotiateLanguage('en-GB')).toBe('en');
  });

  it('lets the first acceptable language win, by q-value and then by order', () => {
    expect(negotiateLanguage('ja-JP,ja;q=0.9,en-US;q=0.8,en;q=0.7')).toBe('ja');
    expect(negotiateLanguage('en-US,en;q=0.9,ja;q=0.8')).toBe('en');
    expect(negotiateLanguage('en;q=0.5, ja;q=0.9')).toBe('ja');
    expect(negotiateLanguage('fr, ja;q=0.3, en;q=0.2')).toBe('ja');
    expect(negotiateLanguage('ja, en')).toBe('ja');
    expect(negotiateLanguage(['fr', 'ja;q=0.5'])).toBe('ja');
  });

  it('never picks a language the caller refused with q=0', () => {
    expect(negotiateLanguage('ja;q=0, en')).toBe('en');
    expect(negotiateLanguage('en;q=0, *')).toBe('ja');
    expect(negotiateLanguage('en;q=0, ja;q=0')).toBe('en');
  });
});

describe('the language inside a request', () => {
  it('is English outside a request and the chosen one inside it, across awaits', async () => {
    expect(currentLanguage()).toBe('en');
    await withLanguage('ja', async () => {
      await Promise.resolve();
      expect(currentLanguage()).toBe('ja');
    });
    expect(currentLanguage()).toBe('en');
  });

  it('trusts the internal header only as one of our languages', () => {
    expect(languageFromInternalHeader('ja')).toBe('ja');
    expect(languageFromInternalHeader('en')).toBe('en');
    expect(languageFromInternalHeader('ja-JP')).toBe('en');
    expect(languageFromInternalHeader(['ja'])).toBe('en');
    expect(languageFromInternalHeader(undefined)).toBe('en');
  });
});
