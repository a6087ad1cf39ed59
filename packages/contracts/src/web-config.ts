import { Type, type Static } from '@sinclair/typebox';

/** `GET /config.json` from the web server: where the browser reaches each service. */
export const WebConfig = Type.Object({
  services: Type.Object({
    hawk: Type.String({ description: 'Base URL of Hawk, e.g. http://localhost:3001' }),
    scouter: Type.String(),
    kanohi: Type.String(),
  }),
});
export type WebConfig = Static<typeof WebConfig>;
