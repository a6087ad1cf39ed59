// Static memory plan: every activation tensor gets an offset in one arena; tensors whose
// lifetimes [first write, last read] do not overlap may share bytes. Placement is greedy by
// size (largest first, lowest offset that fits beside every overlapping tensor already
// placed), the heuristic TFLite's arena planner uses.

export interface Lifetime {
  id: number;
  bytes: number;
  first: number;
  last: number;
}

export interface MemoryPlan {
  offsets: Map<number, number>;
  arenaBytes: number;
  sumBytes: number;
}

/** Offsets are aligned so every tensor starts on a 256-byte boundary (coalesced CUDA loads). */
export const ALIGN = 256;

const align = (v: number): number => Math.ceil(v / ALIGN) * ALIGN;

/**
 * Assigns arena offsets to tensors given their lifetimes (op indices, inclusive).
 * @example planMemory([{ id: 0, bytes: 1024, first: -1, last: 2 }]).arenaBytes // 1024
 */
export function planMemory(lifetimes: readonly Lifetime[]): MemoryPlan {
  const order = [...lifetimes].sort((a, b) => b.bytes - a.bytes || a.first - b.first || a.id - b.id);
  const placed: { offset: number; end: number; first: number; last: number }[] = [];
  const offsets = new Map<number, number>();
  let arenaBytes = 0;
  let sumBytes = 0;
  for (const t of order) {
    const size = align(Math.max(t.bytes, 1));
    sumBytes += size;
    const busy = placed.filter((p) => p.first <= t.last && t.first <= p.last).sort((a, b) => a.offset - b.offset);
    let offset = 0;
    for (const p of busy) {
      if (offset + size <= p.offset) break;
      offset = Math.max(offset, p.end);
    }
    placed.push({ offset, end: offset + size, first: t.first, last: t.last });
    offsets.set(t.id, offset);
    arenaBytes = Math.max(arenaBytes, offset + size);
  }
  return { offsets, arenaBytes, sumBytes };
}

/** True when no two tensors with overlapping lifetimes share a byte (used by tests). */
export function checkMemoryPlan(lifetimes: readonly Lifetime[], plan: MemoryPlan): string | undefined {
  for (let i = 0; i < lifetimes.length; i++) {
    for (let j = i + 1; j < lifetimes.length; j++) {
      const a = lifetimes[i]!;
      const b = lifetimes[j]!;
      if (a.first > b.last || b.first > a.last) continue;
      const ao = plan.offsets.get(a.id)!;
      const bo = plan.offsets.get(b.id)!;
      if (ao < bo + b.bytes && bo < ao + a.bytes) return `tensors ${a.id} and ${b.id} are live together and overlap in the arena`;
    }
  }
  return undefined;
}
