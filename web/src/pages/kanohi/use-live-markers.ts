import type { KanohiServerEvents, LiveMarker, MarkersEvent } from '@sightline/contracts';
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { kanohiUrl } from './api.ts';
import { socketAuth } from '../../lib/session.ts';

/** A marker as drawn: its opacity fades from 1 to 0 over the grace after its person was last seen. */
export type ShownMarker = LiveMarker & { opacity: number };

export interface LiveFloor {
  markers: ShownMarker[];
  /** People tracked now, as the server counted them in its latest event (0 once everyone's grace ran out). */
  liveCount: number;
  /** Sample time of the latest event. */
  at: string | undefined;
}

/**
 * People on one floor, live from `kanohi:markers`. Each event is the whole floor (anyone missing
 * has left); between events a marker fades over the server's grace, on the event clock carried
 * forward by the wall clock, and goes when the grace is over even if no event comes (a camera
 * stopped).
 */
export function useLiveMarkers(floorId: number | undefined, onEvent: () => void): LiveFloor {
  const [state, setState] = useState<LiveFloor>({ markers: [], liveCount: 0, at: undefined });
  const onEventRef = useRef(onEvent);
  onEventRef.current = onEvent;
  useEffect(() => {
    setState({ markers: [], liveCount: 0, at: undefined });
    if (floorId === undefined) return;
    let latest: { event: MarkersEvent; offsetMs: number } | undefined;
    let socket: Socket<KanohiServerEvents> | undefined;
    let cancelled = false;
    const show = () => {
      if (!latest) return;
      const { event, offsetMs } = latest;
      const nowMs = Date.now() - offsetMs;
      const fadeFrom = Math.min(500, event.graceMs);
      const markers = event.markers.flatMap((m) => {
        const age = nowMs - Date.parse(m.seenAt);
        if (age > event.graceMs) return [];
        return [{ ...m, opacity: age <= fadeFrom ? 1 : Math.max(0.15, 1 - (age - fadeFrom) / Math.max(1, event.graceMs - fadeFrom)) }];
      });
      const expired = nowMs - Date.parse(event.at) > event.graceMs;
      setState({ markers, liveCount: expired ? 0 : event.liveCount, at: event.at });
    };
    const timer = setInterval(show, 250);
    void kanohiUrl().then((url) => {
      if (cancelled) return;
      socket = io(url, { transports: ['websocket'], auth: socketAuth() });
      socket.on('kanohi:markers', (event: MarkersEvent) => {
        if (event.floorId !== floorId) return;
        latest = { event, offsetMs: Date.now() - Date.parse(event.at) };
        show();
        onEventRef.current();
      });
    });
    return () => {
      cancelled = true;
      clearInterval(timer);
      socket?.close();
    };
  }, [floorId]);
  return state;
}
