import { Type, type Static } from '@sinclair/typebox';
import { ServiceName } from './common.ts';

/** `GET /healthz`: the process is up (says nothing about its dependencies). */
export const HealthResponse = Type.Object({
  status: Type.Literal('ok'),
  service: ServiceName,
  version: Type.String(),
  uptimeSeconds: Type.Number(),
});
export type HealthResponse = Static<typeof HealthResponse>;

/** `GET /readyz`: 200 when every dependency answers, 503 otherwise, with each check named. */
export const ReadyResponse = Type.Object({
  status: Type.Union([Type.Literal('ready'), Type.Literal('not_ready')]),
  service: ServiceName,
  checks: Type.Object({ database: Type.Boolean() }),
});
export type ReadyResponse = Static<typeof ReadyResponse>;
