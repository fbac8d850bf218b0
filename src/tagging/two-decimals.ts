// Probabilities in explanations ("model 0.91") are written for every tag of every item;
// `toFixed` is slow next to the rest of tagging, so the 101 possible strings are made once.

const STRINGS = Array.from({ length: 101 }, (_, k) => (k / 100).toFixed(2));

/** `x.toFixed(2)`, read from a table for 0 ≤ x ≤ 1. */
export function twoDecimals(x: number): string {
  if (!(x >= 0 && x <= 1)) return x.toFixed(2);
  const y = x * 100;
  // x * 100 is within 1e-13 of the exact product, so its rounding agrees with toFixed's
  // (nearest, ties up, on the exact value) except within a hair of a tie: those go to toFixed.
  if (Math.abs(y - Math.floor(y) - 0.5) < 1e-9) return x.toFixed(2);
  return STRINGS[Math.round(y)]!;
}
