export { openDatabase, DEFAULT_EMBEDDED_PORT, type DatabaseHandle } from './database.ts';
export { startEmbeddedPostgres, handleShutdownSignalsYourself, EmbeddedPostgresError, type EmbeddedServer, type EmbeddedServerOptions } from './embedded-postgres.ts';
export { freePort } from './free-port.ts';
export { loadMigrations, migrateUp, migrationStatus, migrationsDir, MigrationError, type Migration, type MigrationStatus } from './migrate.ts';
export { createPool, isDatabaseReachable } from './pool.ts';
export { listenToChannel, type ChannelListener } from './listen.ts';
export { dataDir, repoRoot } from './paths.ts';
export { createTestDatabase, startTestPostgres, type TestDatabase } from './test-database.ts';
export { maintainPartitions, startPartitionMaintenance, type PartitionMaintenance, type PartitionMaintenanceOptions, type PartitionPass } from './partition-maintenance.ts';
