import type { FrameEvent, TracksEvent } from '@sightline/contracts';
import { useSyncExternalStore } from 'react';

export interface CameraLive {
  readonly tracks: TracksEvent | undefined;
  readonly frame: FrameEvent | undefined;
}

const EMPTY: CameraLive = { tracks: undefined, frame: undefined };

/**
 * The latest boxes and preview of every camera, kept outside React state: a tile re-renders only
 * when its own camera has news, not when any of a dozen cameras sends a frame.
 */
export class LiveStore {
  private readonly byCamera = new Map<number, CameraLive>();
  private readonly listeners = new Map<number, Set<() => void>>();

  tracks(e: TracksEvent): void {
    this.set(e.cameraId, { ...this.get(e.cameraId), tracks: e });
  }

  frame(e: FrameEvent): void {
    this.set(e.cameraId, { ...this.get(e.cameraId), frame: e });
  }

  get(cameraId: number): CameraLive {
    return this.byCamera.get(cameraId) ?? EMPTY;
  }

  subscribe(cameraId: number, listener: () => void): () => void {
    const set = this.listeners.get(cameraId) ?? new Set();
    set.add(listener);
    this.listeners.set(cameraId, set);
    return () => set.delete(listener);
  }

  private set(cameraId: number, live: CameraLive): void {
    this.byCamera.set(cameraId, live);
    for (const l of this.listeners.get(cameraId) ?? []) l();
  }
}

/** The latest live state of one camera; re-renders on its updates only. */
export function useCameraLive(store: LiveStore, cameraId: number): CameraLive {
  return useSyncExternalStore(
    (listener) => store.subscribe(cameraId, listener),
    () => store.get(cameraId),
  );
}
