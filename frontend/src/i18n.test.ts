import { describe, expect, it } from 'vitest';
import { detectLang, dictionaries, translate, type Key } from './i18n';

describe('detectLang', () => {
  it.each([
    [['ja-JP', 'en-US'], null, 'ja'],
    [['en-GB', 'ja'], null, 'en'],
    [['fr-FR', 'ja-JP'], null, 'ja'],
    [['fr-FR', 'de'], null, 'en'],
    [[], null, 'en'],
    [['ja-JP'], 'en', 'en'],
    [['en-US'], 'ja', 'ja'],
    [['ja-JP'], 'xx', 'ja'],
  ] as [string[], string | null, string][])('%j stored %s -> %s', (langs, stored, want) => {
    expect(detectLang(langs, stored)).toBe(want);
  });
  it('copes without navigator.languages', () => {
    expect(detectLang(undefined, null)).toBe('en');
  });
});

describe('translate', () => {
  it('fills placeholders and leaves unknown ones', () => {
    expect(translate('en', 'dash.pairs', { n: 3, h: 5 })).toBe('3 (threat, asset) pairs within 5 hops');
    expect(translate('ja', 'dash.pairs', { n: 3, h: 5 })).toBe('5 ホップ以内の (脅威, 資産) の組: 3 件');
    expect(translate('en', 'dash.pairs', { n: 3 })).toBe('3 (threat, asset) pairs within {h} hops');
  });
  it('falls back to English for a key missing in Japanese, and to the key itself', () => {
    const ja = dictionaries.ja as Record<string, string>;
    const saved = ja['nav.assets'];
    delete ja['nav.assets'];
    try {
      expect(translate('ja', 'nav.assets')).toBe('Assets');
    } finally {
      ja['nav.assets'] = saved;
    }
    expect(translate('ja', 'no.such.key' as Key)).toBe('no.such.key');
  });
  it('has every message the user can meet in Japanese', () => {
    const en = Object.keys(dictionaries.en);
    const ja = new Set(Object.keys(dictionaries.ja));
    // the product name and ID column stay as they are
    const same = new Set(['app.title', 'col.id', 'asset.cia', 'reach.title']);
    expect(en.filter((k) => !ja.has(k) && !same.has(k))).toEqual([]);
    for (const k of en.filter((x) => x.startsWith('err.'))) expect(ja.has(k), k).toBe(true);
  });
});
