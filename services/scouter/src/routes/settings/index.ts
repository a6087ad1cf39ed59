import { DASHBOARD } from '@sightline/auth';
import { ScouterSettings } from '@sightline/contracts';
import type { ServiceApp } from '@sightline/server-kit';
import type { ScouterConfig } from '../../config.ts';

/** `GET /settings`: the settings the console applies (confidence for attribute labels, retention, preview rates). */
export function registerSettingsRoutes(app: ServiceApp, config: ScouterConfig): void {
  const settings: ScouterSettings = {
    attributeMinConfidence: config.attributeMinConfidence,
    eventRetentionHours: config.eventRetentionHours,
    eventMaxPerCamera: config.eventMaxPerCamera,
    previewFps: config.previewFps,
    previewFocusFps: config.previewFocusFps,
  };
  app.get('/settings', { config: { access: DASHBOARD }, schema: { response: { 200: ScouterSettings } } }, async () => settings);
}
