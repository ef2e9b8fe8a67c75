// Numbers as people read them, without ICU: `n.toLocaleString("en-US")` loads ICU's number formatting on its first
// call (≈ 27 ms of a cold start, measured on Node 20), and every count we print is an integer.

/** An integer with comma thousands separators ("12,345", "-1,000"), as `toLocaleString("en-US")` writes it; other numbers go to ICU. */
export function grouped(n: number): string {
  if (!Number.isSafeInteger(n)) return n.toLocaleString("en-US");
  const digits = String(Math.abs(n));
  let out = "";
  for (let end = digits.length; end > 0; end -= 3) out = end > 3 ? `,${digits.slice(end - 3, end)}${out}` : `${digits.slice(0, end)}${out}`;
  return n < 0 ? `-${out}` : out;
}
