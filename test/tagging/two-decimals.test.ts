import { describe, expect, it } from 'vitest';
import { twoDecimals } from '../../src/tagging/two-decimals.ts';

describe('twoDecimals', () => {
  it('agrees with toFixed(2) on ties, near-ties and steps across [0, 1]', () => {
    const xs: number[] = [];
    for (let k = 0; k <= 20_000; k++) {
      const x = k / 20_000; // every tie k/200 and the values between
      xs.push(
        x,
        Math.max(0, x - Number.EPSILON),
        Math.min(1, x + Number.EPSILON),
        Math.min(1, x * (1 + 1e-12)),
      );
    }
    const wrong = xs.filter((x) => twoDecimals(x) !== x.toFixed(2));
    expect(wrong).toEqual([]);
  });

  it('agrees with toFixed(2) on random probabilities and sigmoid outputs', () => {
    // A fixed-seed generator: the same values on every run.
    let s = 12345;
    const next = (): number => {
      s = (Math.imul(s, 1103515245) + 12345) >>> 0;
      return s / 2 ** 32;
    };
    const wrong: number[] = [];
    for (let k = 0; k < 200_000; k++) {
      const x = k % 2 === 0 ? next() : 1 / (1 + Math.exp(-(next() * 40 - 20)));
      if (twoDecimals(x) !== x.toFixed(2)) wrong.push(x);
    }
    expect(wrong).toEqual([]);
  });

  it('hands values outside [0, 1] and NaN to toFixed', () => {
    for (const x of [-0.004, -1, 1.005, 2.5, 1e21, NaN, Infinity]) expect(twoDecimals(x)).toBe(x.toFixed(2));
    expect(twoDecimals(0)).toBe('0.00');
    expect(twoDecimals(1)).toBe('1.00');
    expect(twoDecimals(0.125)).toBe('0.13');
    expect(twoDecimals(0.994999)).toBe('0.99');
  });
});
