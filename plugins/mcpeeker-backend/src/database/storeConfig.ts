import { Config } from '@backstage/config';
import { oneOf, required } from '../checkedConfig';

/** Where findings are stored: `mcpeeker.store`. */
export type StoreConfig =
  | { kind: 'database' }
  | {
      kind: 'clickhouse';
      clickhouse: {
        url: string;
        database: string;
        username?: string;
        password?: string;
      };
    };

/** Reads `mcpeeker.store` from the `mcpeeker` block; the Backstage database unless ClickHouse is chosen. */
export function readStoreConfig(config: Config | undefined): StoreConfig {
  if (
    oneOf(config, 'store.kind', ['database', 'clickhouse'], 'database') !==
    'clickhouse'
  ) {
    return { kind: 'database' };
  }
  const str = (key: string) => config?.getOptionalString(key);
  return {
    kind: 'clickhouse',
    clickhouse: {
      url: required(
        str('store.clickhouse.url'),
        'store.clickhouse.url',
        'when mcpeeker.store.kind is clickhouse',
      ),
      database: str('store.clickhouse.database') ?? 'mcpeeker',
      username: str('store.clickhouse.username'),
      password: str('store.clickhouse.password'),
    },
  };
}
