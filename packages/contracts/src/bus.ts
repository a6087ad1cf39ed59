import { Type, type Static } from '@sinclair/typebox';

/** PostgreSQL NOTIFY channels services use to tell each other that rows changed. */
export const BusChannel = {
  /** Sent by Scouter after each batch of `observations` rows is committed. */
  observationsInserted: 'observations_inserted',
} as const;

/** Payload of {@link BusChannel.observationsInserted}: which camera and time range to read. */
export const ObservationsInsertedNotice = Type.Object({
  cameraId: Type.Integer({ minimum: 1 }),
  fromTime: Type.String({ format: 'date-time' }),
  toTime: Type.String({ format: 'date-time' }),
});
export type ObservationsInsertedNotice = Static<typeof ObservationsInsertedNotice>;
