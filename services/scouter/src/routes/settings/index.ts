import { DASHBOARD } from '@sightline/auth';
import { ScouterSettings } from '@sightline/contracts';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { ScouterConfig } from '../../config.ts';

/** `GET /settings`: the settings the console applies (confidence for attribute labels, retention, preview rates). */
export const settingsRoutes: FastifyPluginAsyncTypebox<{ readonly config: ScouterConfig }> = async (app, { config }) => {
  const settings: ScouterSettings = {
    attributeMinConfidence: config.attributeMinConfidence,
    eventRetentionHours: config.eventRetentionHours,
    eventMaxPerCamera: config.eventMaxPerCamera,
    previewFps: config.previewFps,
    previewFocusFps: config.previewFocusFps,
  };
  app.get('/settings', { config: { access: DASHBOARD }, schema: { response: { 200: ScouterSettings } } }, async () => settings);
};
