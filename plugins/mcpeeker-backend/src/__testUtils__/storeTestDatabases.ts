import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';

/**
 * The engines every store test runs on: SQLite (the embedded default) and
 * PostgreSQL 15 (production), reached through
 * `BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING`. The README's test
 * command sets that variable and `MCPEEKER_REQUIRE_POSTGRES`, so a missing
 * PostgreSQL fails the run instead of skipping it.
 */
export const STORE_TEST_DATABASE_IDS: TestDatabaseId[] = [
  'SQLITE_3',
  'POSTGRES_15',
];

export function createStoreTestDatabases(): TestDatabases {
  if (
    process.env.MCPEEKER_REQUIRE_POSTGRES &&
    !process.env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
  ) {
    throw new Error(
      'MCPEEKER_REQUIRE_POSTGRES is set but BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not',
    );
  }
  return TestDatabases.create({ ids: STORE_TEST_DATABASE_IDS });
}
