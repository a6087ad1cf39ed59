import type { WatchEvent } from '@sightline/contracts';

/** How long another process's focus list counts without being repeated. */
export const REMOTE_FOCUS_TTL_MS = 15_000;

/**
 * What the pages show, from their `scouter:watch` messages: a camera in some page's large view gets
 * previews at the focus rate and full size. Pages connected to this process are known by socket;
 * those of other processes arrive as focus lists over the live relay (repeated while they last,
 * forgotten after REMOTE_FOCUS_TTL_MS). Input comes from browsers, so anything not shaped like a
 * WatchEvent is ignored.
 */
export class WatchRegistry {
  private readonly bySocket = new Map<string, WatchEvent>();
  private readonly remote = new Map<string, { cameraIds: readonly number[]; atMs: number }>();

  set(socketId: string, event: unknown): void {
    const e = event as Partial<WatchEvent> | null;
    const focus = typeof e?.focus === 'number' && Number.isInteger(e.focus) ? e.focus : null;
    const grid = Array.isArray(e?.grid) ? e.grid.filter((id): id is number => Number.isInteger(id)).slice(0, 256) : [];
    this.bySocket.set(socketId, { focus, grid });
  }

  drop(socketId: string): void {
    this.bySocket.delete(socketId);
  }

  /** The cameras in the large view of a page connected here, sorted. */
  localFocus(): number[] {
    const ids = new Set<number>();
    for (const w of this.bySocket.values()) if (w.focus !== null) ids.add(w.focus);
    return [...ids].sort((a, b) => a - b);
  }

  /** Another process's focus list (replaces its previous one). */
  setRemote(origin: string, cameraIds: unknown, nowMs = Date.now()): void {
    const ids = Array.isArray(cameraIds) ? cameraIds.filter((id): id is number => Number.isInteger(id)).slice(0, 256) : [];
    this.remote.set(origin, { cameraIds: ids, atMs: nowMs });
  }

  inFocus(cameraId: number, nowMs = Date.now()): boolean {
    for (const w of this.bySocket.values()) if (w.focus === cameraId) return true;
    for (const [origin, r] of this.remote) {
      if (nowMs - r.atMs > REMOTE_FOCUS_TTL_MS) this.remote.delete(origin);
      else if (r.cameraIds.includes(cameraId)) return true;
    }
    return false;
  }
}
