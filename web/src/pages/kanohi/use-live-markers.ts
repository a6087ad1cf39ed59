import type { KanohiServerEvents, LiveMarker, MarkersEvent } from '@sightline/contracts';
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { kanohiUrl } from './api.ts';
import { socketAuth } from '../../lib/session.ts';

const STALE_MS = 30_000;

/** People on one floor, live from `kanohi:markers`; someone unseen for 30 s (event time) drops off. */
export function useLiveMarkers(floorId: number | undefined, onEvent: () => void): LiveMarker[] {
  const [markers, setMarkers] = useState<LiveMarker[]>([]);
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  useEffect(() => {
    setMarkers([]);
    if (floorId === undefined) return;
    const people = new Map<number, LiveMarker>();
    let socket: Socket<KanohiServerEvents> | undefined;
    let cancelled = false;
    void kanohiUrl().then((url) => {
      if (cancelled) return;
      socket = io(url, { transports: ['websocket'], auth: socketAuth() });
      socket.on('kanohi:markers', (event: MarkersEvent) => {
        if (event.floorId !== floorId) return;
        for (const m of event.markers) {
          // A merge may fold a person's tracks into another id: drop the older entry.
          for (const [id, other] of people) if (id !== m.personId && other.trackIds.some((t) => m.trackIds.includes(t))) people.delete(id);
          people.set(m.personId, m);
        }
        const now = Date.parse(event.at);
        for (const [id, m] of people) if (now - Date.parse(m.seenAt) > STALE_MS) people.delete(id);
        setMarkers([...people.values()]);
        onEventRef.current();
      });
    });
    return () => {
      cancelled = true;
      socket?.close();
    };
  }, [floorId]);
  return markers;
}
