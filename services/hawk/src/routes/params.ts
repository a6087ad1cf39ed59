import { Type } from '@sinclair/typebox';

export const IdParams = Type.Object({ id: Type.Integer({ minimum: 1 }) });
export const OkResponse = Type.Object({ ok: Type.Literal(true) });
