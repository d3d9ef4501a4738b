import { Knex } from 'knex';

/** Long id lists go to the database in parts: SQL parameter limits, ClickHouse's URL-borne parameters. */
export function chunks<T>(items: T[], size = 500): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size)
    out.push(items.slice(i, i + size));
  return out;
}

/** Rows where any of `columns` contains `text`, case-insensitive, with LIKE's wildcards taken literally. */
export function whereContains(
  query: Knex.QueryBuilder,
  columns: string[],
  text: string,
): void {
  const like = `%${text.toLowerCase().replace(/[%_\\]/g, c => `\\${c}`)}%`;
  query.where(b => {
    for (const column of columns)
      b.orWhereRaw(`lower(??) like ? escape '\\'`, [column, like]);
  });
}
