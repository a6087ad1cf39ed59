import { Type, type Static } from '@sinclair/typebox';
import { ServiceName } from './common.ts';

/** Sent by every service to a socket as soon as it connects. */
export const ServiceStatusEvent = Type.Object({
  service: ServiceName,
  version: Type.String(),
  database: Type.Boolean(),
});
export type ServiceStatusEvent = Static<typeof ServiceStatusEvent>;

/** Events every service emits (socket.io `ServerToClientEvents`), named `domain:verb`. */
export interface CommonServerEvents {
  'service:status': (event: ServiceStatusEvent) => void;
}

/** Hawk's socket.io events. */
export interface HawkServerEvents extends CommonServerEvents {}
/** Scouter's socket.io events. */
export interface ScouterServerEvents extends CommonServerEvents {}
/** Kanohi's socket.io events. */
export interface KanohiServerEvents extends CommonServerEvents {}

/** Events browsers send; none yet beyond socket.io's own. */
export interface ClientEvents {}
