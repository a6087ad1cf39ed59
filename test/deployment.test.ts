// docker-compose.yml and .env.example cannot run here (no Docker engine), so this keeps them in
// step with the code: every setting they name must exist in a config schema, and the other way round.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { parse } from 'yaml';
import { repoRoot } from '@sightline/db';
import { renderEnvExample, settingsCatalog } from '../scripts/lib/settings-catalog.ts';

interface ComposeService {
  image?: string;
  build?: { dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  profiles?: string[];
  deploy?: { resources?: { reservations?: { devices?: { driver?: string; capabilities?: string[] }[] } } };
}
const compose = parse(readFileSync(join(repoRoot, 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const shared = new Set(settingsCatalog[0]!.entries.map((e) => e.env));

test('.env.example is generated from the current config schemas (run `npm run env:example`)', () => {
  assert.equal(readFileSync(join(repoRoot, '.env.example'), 'utf8'), renderEnvExample());
});

test('compose runs postgres, the three services and the web app, with a GPU profile for scouter', () => {
  assert.deepEqual(Object.keys(compose.services).sort(), ['hawk', 'kanohi', 'postgres', 'scouter', 'scouter-gpu', 'web']);
  const gpu = compose.services['scouter-gpu']!;
  assert.deepEqual(gpu.profiles, ['gpu']);
  const device = gpu.deploy?.resources?.reservations?.devices?.[0];
  assert.equal(device?.driver, 'nvidia');
  assert.deepEqual(device?.capabilities, ['gpu']);
});

const appServices = settingsCatalog.filter((s) => s.composeService).map((s) => ({ ...s, name: s.composeService! }));
for (const section of [...appServices, { ...appServices.find((s) => s.name === 'scouter')!, name: 'scouter-gpu' }]) {
  describe(`compose service ${section.name}`, () => {
    const service = compose.services[section.name]!;
    const known = new Set(section.entries.map((e) => e.env));

    test('sets only settings its config schema knows', () => {
      for (const key of Object.keys(service.environment ?? {})) {
        assert.ok(known.has(key) || shared.has(key), `${section.name}: ${key} is not a setting of ${section.title}`);
      }
    });

    test('listens on all interfaces on the port it publishes', () => {
      const env = service.environment ?? {};
      const hostKey = section.entries.find((e) => e.env.endsWith('_HOST'))!.env;
      const portKey = section.entries.find((e) => e.env.endsWith('_PORT'))!.env;
      assert.equal(env[hostKey], '0.0.0.0');
      const port = env[portKey] ?? String(section.entries.find((e) => e.env === portKey)!.default);
      assert.deepEqual(service.ports, [`${port}:${port}`]);
    });

    test('runs an entry point and a Dockerfile that exist', () => {
      const script = service.command?.at(-1);
      assert.ok(script && existsSync(join(repoRoot, script)), `${section.name}: ${script} does not exist`);
      assert.ok(service.build && existsSync(join(repoRoot, service.build.dockerfile)), `${section.name}: Dockerfile missing`);
    });

    if (section.name !== 'web') {
      test('reaches the compose postgres with the credentials it creates', () => {
        const url = new URL(service.environment?.DATABASE_URL ?? '');
        const pgEnv = compose.services.postgres!.environment!;
        assert.equal(url.hostname, 'postgres');
        assert.equal(url.username, pgEnv.POSTGRES_USER);
        assert.equal(url.password, pgEnv.POSTGRES_PASSWORD);
        assert.equal(url.pathname, `/${pgEnv.POSTGRES_DB}`);
      });
    }
  });
}
