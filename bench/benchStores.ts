/* eslint-disable */
// The databases the benchmarks run on: a fresh SQLite file, or a fresh
// PostgreSQL database on the machine's server, dropped afterwards.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';

export async function openStore(
  store: string,
): Promise<{ knex: Knex; close: () => Promise<void> }> {
  if (store === 'sqlite') {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-bench-'));
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: path.join(dir, 'bench.sqlite') },
      useNullAsDefault: true,
    });
    return {
      knex,
      close: async () => {
        await knex.destroy();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  }
  const name = `mcpeeker_bench_${Date.now()}`;
  const admin = knexFactory({
    client: 'pg',
    connection: 'postgresql://postgres@127.0.0.1:5432/postgres',
  });
  await admin.raw(`create database ${name}`);
  const knex = knexFactory({
    client: 'pg',
    connection: `postgresql://postgres@127.0.0.1:5432/${name}`,
    pool: { min: 1, max: 5 },
  });
  return {
    knex,
    close: async () => {
      await knex.destroy();
      await admin.raw(`drop database ${name}`);
      await admin.destroy();
    },
  };
}
