import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';
import type { HawkPrelabelNotice } from './hawk-prelabel-queue.ts';

/**
 * PostgreSQL NOTIFY channels services use to tell each other that rows changed: the one place
 * their names are defined (SQL triggers that NOTIFY name them too: see the migration cited).
 */
export const BusChannel = {
  /** Sent by Scouter after each batch of `observations` rows is committed; Kanohi listens. */
  observationsInserted: 'observations_inserted',
  /**
   * Sent by a trigger on every status change of a `hawk_prelabel_jobs` row (migration 0006),
   * payload {@link HawkPrelabelNotice} (hawk-prelabel-queue.ts: the pre-labeling contract); Hawk
   * and Scouter listen.
   */
  hawkPrelabel: 'hawk_prelabel',
  /** Live tracks and camera states relayed between Scouter processes (Scouter's LiveRelay). */
  scouterLive: 'scouter_live',
} as const;

/** Payload of {@link BusChannel.observationsInserted}: which camera and time range to read. */
export const ObservationsInsertedNotice = Type.Object({
  cameraId: Id,
  fromTime: Type.String({ format: 'date-time' }),
  toTime: Type.String({ format: 'date-time' }),
});
export type ObservationsInsertedNotice = Static<typeof ObservationsInsertedNotice>;
