import { describe, expect, it } from 'vitest';
import { hashWord, tokenize } from '../../src/tagging/normalize.ts';

// The matcher's word memo is keyed by the hash the tokenizer computes inline; Arabic clitic
// forms are hashed with hashWord. Both must agree so one word has one memo slot.
describe('token hashes', () => {
  it.each([
    ['Latin, digits and apostrophes', "Beijing's VPN ban, end-to-end 2035"],
    ['Cyrillic and German folds', 'Ёлка STRASSE Straße Überwachung'],
    ['Arabic with article and harakat', 'وبالإنترنت الرَّقابة'],
    ['Han runs next to Latin', '新IP地址 网络审查'],
  ])('equal hashWord of the token text: %s', (_name, text) => {
    const { tokens } = tokenize(text);
    expect(tokens.length).toBeGreaterThan(1);
    for (const t of tokens) expect(t.hash).toBe(hashWord(t.norm));
  });

  it('differs for different words of the same length', () => {
    expect(hashWord('censor')).not.toBe(hashWord('sensor'));
  });
});
