import { Type, type Static } from '@sinclair/typebox';
import { Id } from './common.ts';

/** PostgreSQL NOTIFY channels services use to tell each other that rows changed. */
export const BusChannel = {
  /** Sent by Scouter after each batch of `observations` rows is committed. */
  observationsInserted: 'observations_inserted',
} as const;

/** Payload of {@link BusChannel.observationsInserted}: which camera and time range to read. */
export const ObservationsInsertedNotice = Type.Object({
  cameraId: Id,
  fromTime: Type.String({ format: 'date-time' }),
  toTime: Type.String({ format: 'date-time' }),
});
export type ObservationsInsertedNotice = Static<typeof ObservationsInsertedNotice>;
