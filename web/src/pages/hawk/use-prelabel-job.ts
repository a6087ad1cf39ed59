import type { HawkPrelabelJob, HawkServerEvents } from '@sightline/contracts';
import { useCallback, useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { api, hawkUrl } from './api.ts';
import { socketAuth } from '../../lib/session.ts';

const POLL_MS = 1000;
const ended = (job: HawkPrelabelJob) => job.status === 'applied' || job.status === 'failed';

export interface FollowedJob {
  readonly job: HawkPrelabelJob | null;
  /** Where the latest state came from: the `hawk:prelabel` event, or a poll while the socket is down. */
  readonly via: 'socket' | 'poll' | null;
  readonly socketConnected: boolean;
  follow(job: HawkPrelabelJob): void;
}

/**
 * Follows one pre-labeling job: live from socket.io `hawk:prelabel`, and by polling
 * `GET /prelabel/:id` while the socket is not connected and once when following starts (the job
 * may have ended before). Calls `onEnd` once when it ends.
 */
export function usePrelabelJob(onEnd: (job: HawkPrelabelJob) => void): FollowedJob {
  const [state, setState] = useState<{ job: HawkPrelabelJob | null; via: 'socket' | 'poll' | null }>({ job: null, via: null });
  const [socketConnected, setSocketConnected] = useState(false);
  const current = useRef<HawkPrelabelJob | null>(null);
  const socketRef = useRef<Socket<HawkServerEvents> | null>(null);
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;

  // A late answer (a poll sent before the job ended) must not overwrite the final state.
  const update = useCallback((job: HawkPrelabelJob, via: 'socket' | 'poll') => {
    const cur = current.current;
    if (!cur || cur.id !== job.id || ended(cur)) return;
    current.current = job;
    setState({ job, via });
    if (ended(job)) onEndRef.current(job);
  }, []);

  useEffect(() => {
    let socket: Socket<HawkServerEvents> | undefined;
    let live = true;
    void hawkUrl().then((url) => {
      if (!live) return;
      socket = io(url, { transports: ['websocket'], auth: socketAuth() });
      socketRef.current = socket;
      socket.on('connect', () => {
        setSocketConnected(true);
        // Events sent while disconnected are lost: read the job once to catch up.
        const job = current.current;
        if (job && !ended(job)) void api<HawkPrelabelJob>('GET', `/prelabel/${job.id}`).then((j) => update(j, 'poll'), () => undefined);
      });
      socket.on('disconnect', () => setSocketConnected(false));
      socket.on('hawk:prelabel', (e) => update(e.job, 'socket'));
    });
    const timer = setInterval(() => {
      const job = current.current;
      if (!job || ended(job) || socketRef.current?.connected) return;
      void api<HawkPrelabelJob>('GET', `/prelabel/${job.id}`).then((j) => update(j, 'poll'), () => undefined);
    }, POLL_MS);
    return () => {
      live = false;
      clearInterval(timer);
      socket?.close();
      socketRef.current = null;
    };
  }, [update]);

  const follow = useCallback(
    (job: HawkPrelabelJob) => {
      current.current = job;
      setState({ job, via: null });
      // An event sent before the page followed the job (one that fails at once, before the POST's
      // answer arrived) was dropped: read the job once, as after a reconnect.
      if (!ended(job)) void api<HawkPrelabelJob>('GET', `/prelabel/${job.id}`).then((j) => update(j, 'poll'), () => undefined);
    },
    [update],
  );

  return { ...state, socketConnected, follow };
}
