import { parseArgs } from 'node:util';
import { createPool, migrateUp, migrationStatus, openDatabase } from '@sightline/db';
import { UsageError, type CliCommand } from '../command.ts';

const usage = `Usage: sightline db <migrate|status>

  migrate   apply every pending migration in one transaction (all or nothing)
  status    list migrations and when each was applied

Uses DATABASE_URL when set, otherwise the embedded PostgreSQL under the data folder
(SIGHTLINE_DATA_DIR, default <repo>/data), started for the command and stopped after it.`;

/** `sightline db migrate|status`: the migration runner from the command line. */
export const dbCommand: CliCommand = {
  name: 'db',
  summary: 'Apply or list database migrations',
  usage,
  async run(args) {
    const { positionals } = parseArgs({ args: [...args], allowPositionals: true, options: {} });
    const [action, ...extra] = positionals;
    if (action !== 'migrate' && action !== 'status') throw new UsageError(action ? `unknown action "${action}"` : 'an action is required');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);

    const database = await openDatabase();
    const pool = createPool(database.url, { log: () => undefined });
    try {
      if (action === 'migrate') {
        const applied = await migrateUp(pool);
        console.log(applied.length === 0 ? 'Database is up to date.' : `Applied migrations ${applied.join(', ')}.`);
      } else {
        for (const m of await migrationStatus(pool)) {
          const when = m.appliedAt ? m.appliedAt.toISOString() : 'pending';
          console.log(`${String(m.version).padStart(4, '0')}  ${m.name.padEnd(32)}  ${when}`);
        }
      }
      return 0;
    } finally {
      await pool.end();
      await database.embedded?.stop();
    }
  },
};
