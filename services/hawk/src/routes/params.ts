import { Type } from '@sinclair/typebox';

export { IdParams } from '@sightline/contracts';
export const OkResponse = Type.Object({ ok: Type.Literal(true) });
