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
