import { Type, type Static } from '@sinclair/typebox';

/** The three services of Sightline. */
export const ServiceName = Type.Union([Type.Literal('hawk'), Type.Literal('scouter'), Type.Literal('kanohi')]);
export type ServiceName = Static<typeof ServiceName>;

/** Body of every 4xx/5xx answer: what went wrong, in words a user can act on. */
export const ErrorResponse = Type.Object(
  {
    statusCode: Type.Integer(),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String({ description: 'What was wrong and what to do' }),
  },
  { $id: 'ErrorResponse' },
);
export type ErrorResponse = Static<typeof ErrorResponse>;

/** Largest value of a PostgreSQL `integer` column: every id and frame index the API takes fits in it. */
export const INT4_MAX = 2147483647;

/**
 * A row id in a path, query or body: 1..2^31-1 (the `integer`/`serial` range), so an id past it is a
 * 400 naming the field rather than a database "out of range" error.
 * @example Type.Object({ id: Id })
 */
export const Id = Type.Integer({ minimum: 1, maximum: INT4_MAX });

/** A 0-based frame index (stored as `integer`). */
export const FrameIndex = Type.Integer({ minimum: 0, maximum: INT4_MAX, description: '0-based frame index (frame number - 1)' });

/** Path parameters of `/<resource>/:id` routes. */
export const IdParams = Type.Object({ id: Id });

/**
 * A finite coordinate (pixels or metres). JSON parses 1e400 as Infinity, which passes a plain number
 * schema; a bound keeps geometry (areas, homographies) and float columns finite.
 */
export const Coordinate = Type.Number({ minimum: -1e7, maximum: 1e7 });
