// A Hawk that imports one MOT file and then waits: the transactions test kills it mid-import.
import { createPool } from '@sightline/db';
import { buildApp } from '../../services/hawk/src/app.ts';
import { loadHawkConfig } from '../../services/hawk/src/config.ts';

const pool = createPool(process.env.CHILD_DATABASE_URL!);
const app = await buildApp({ config: loadHawkConfig({}, { logLevel: 'silent', mediaDir: process.env.CHILD_MEDIA_DIR!, adminPassword: 'admin-password' }), pool });
await app.ready();
const login = await app.inject({ method: 'POST', url: '/auth/login', payload: { username: 'admin', password: 'admin-password' } });
await app.inject({
  method: 'POST',
  url: `/videos/${process.env.CHILD_VIDEO_ID}/import?format=mot`,
  headers: { authorization: `Bearer ${login.json().token}`, 'content-type': 'text/plain' },
  payload: process.env.CHILD_MOT!,
});
