import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@mcpeeker/plugin-mcpeeker-backend',
  'migrations',
);

/** Applies MCPeeker's migrations unless the operator turned migrations off. */
export async function applyDatabaseMigrations(
  database: DatabaseService,
  options: { skipMigrations?: boolean } = {},
): Promise<Knex> {
  const client = await database.getClient();
  if (!database.migrations?.skip && !options.skipMigrations) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  return client;
}

/** Rolls every MCPeeker migration back (tests of `down`). */
export async function rollbackDatabaseMigrations(client: Knex): Promise<void> {
  await client.migrate.rollback({ directory: migrationsDir }, true);
}
