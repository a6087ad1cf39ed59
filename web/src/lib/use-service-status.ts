import type { CommonServerEvents, ServiceName, ServiceStatusEvent } from '@sightline/contracts';
import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import { loadWebConfig } from './config.ts';
import { useSession } from './session.ts';
import { socketAuth } from './session.ts';

export type Connection = { state: 'connecting' } | { state: 'online'; status: ServiceStatusEvent } | { state: 'offline'; reason: string };

/** Live connection state of one service, from its socket.io `service:status` event. */
export function useServiceStatus(service: ServiceName): Connection {
  const [connection, setConnection] = useState<Connection>({ state: 'connecting' });
  // Sockets authenticate with the session: connect again after a login or logout.
  const token = useSession()?.token;
  useEffect(() => {
    let socket: Socket<CommonServerEvents> | undefined;
    let cancelled = false;
    loadWebConfig()
      .then((config) => {
        if (cancelled) return;
        socket = io(config.services[service], { transports: ['websocket'], auth: socketAuth() });
        socket.on('service:status', (status) => setConnection({ state: 'online', status }));
        socket.on('connect_error', (err) => setConnection({ state: 'offline', reason: err.message }));
        socket.on('disconnect', (reason) => setConnection({ state: 'offline', reason }));
      })
      .catch((err: Error) => setConnection({ state: 'offline', reason: err.message }));
    return () => {
      cancelled = true;
      socket?.close();
    };
  }, [service, token]);
  return connection;
}
