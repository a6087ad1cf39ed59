// Appearance helpers for trackers that accept one embedding per detection (a re-id hook).

/** A unit-length copy of an embedding (zero vectors stay zero). */
export function normalised(v: ArrayLike<number>): Float64Array {
  const out = Float64Array.from(v);
  let norm = 0;
  for (const x of out) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let k = 0; k < out.length; k++) out[k]! /= norm;
  return out;
}

/** 1 - cosine similarity of a unit vector `a` and any vector `b` (missing entries count as 0). */
export function cosineDistance(a: Float64Array, b: ArrayLike<number>): number {
  let dot = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) {
    dot += a[k]! * (b[k] ?? 0);
    nb += (b[k] ?? 0) ** 2;
  }
  return 1 - dot / (Math.sqrt(nb) || 1);
}
