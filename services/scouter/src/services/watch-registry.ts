import type { WatchEvent } from '@sightline/contracts';

/**
 * What the pages connected to this process show, from their `scouter:watch` messages: a camera in
 * some page's large view gets previews at the focus rate and full size. Input comes from browsers,
 * so anything not shaped like a WatchEvent is ignored.
 */
export class WatchRegistry {
  private readonly bySocket = new Map<string, WatchEvent>();

  set(socketId: string, event: unknown): void {
    const e = event as Partial<WatchEvent> | null;
    const focus = typeof e?.focus === 'number' && Number.isInteger(e.focus) ? e.focus : null;
    const grid = Array.isArray(e?.grid) ? e.grid.filter((id): id is number => Number.isInteger(id)).slice(0, 256) : [];
    this.bySocket.set(socketId, { focus, grid });
  }

  drop(socketId: string): void {
    this.bySocket.delete(socketId);
  }

  inFocus(cameraId: number): boolean {
    for (const w of this.bySocket.values()) if (w.focus === cameraId) return true;
    return false;
  }
}
