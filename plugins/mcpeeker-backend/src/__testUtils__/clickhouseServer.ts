import { execFileSync, spawn, ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './freePort';

export interface TestClickHouseServer {
  url: string;
  /** Stops the server and removes its data. */
  stop: () => Promise<void>;
  /** Stops the server (as a crash would: SIGKILL), keeping its data and its port. */
  halt: () => Promise<void>;
  /** Starts a halted server again, on the same port, over the same data. */
  resume: () => Promise<void>;
}

/**
 * Starts a real ClickHouse server on loopback from the engine the `chdb`
 * package ships (libchdb.so, installed into .tools/chdb by scripts/test;
 * MCPEEKER_LIBCHDB points at it), for tests. The small launcher in
 * test/clickhouse/chserver.c is compiled per run with the system `cc`.
 */
export async function startClickHouseServer(): Promise<TestClickHouseServer> {
  const lib =
    process.env.MCPEEKER_LIBCHDB ??
    path.resolve(
      __dirname,
      '../../../../.tools/chdb/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so',
    );
  if (!fs.existsSync(lib)) {
    throw new Error(
      `ClickHouse engine not found at ${lib}: run ./scripts/test once (it installs chdb into .tools/chdb) or set MCPEEKER_LIBCHDB`,
    );
  }
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-clickhouse-'));
  const launcher = path.join(work, 'chserver');
  execFileSync('cc', [
    '-O2',
    '-o',
    launcher,
    path.resolve(__dirname, '../../test/clickhouse/chserver.c'),
    '-ldl',
  ]);
  const httpPort = await freePort();
  const tcpPort = await freePort();
  const url = `http://127.0.0.1:${httpPort}`;
  let child: ChildProcess | undefined;
  let stderr = '';
  const halt = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise(r => child!.once('exit', r));
      child.kill('SIGKILL');
      await exited;
    }
  };
  const stop = async () => {
    await halt();
    fs.rmSync(work, { recursive: true, force: true });
  };
  const resume = async () => {
    stderr = '';
    const started: ChildProcess = spawn(
      launcher,
      [
        lib,
        `--path=${path.join(work, 'data')}`,
        `--http_port=${httpPort}`,
        `--tcp_port=${tcpPort}`,
        '--listen_host=127.0.0.1',
        '--multiquery',
        // One row per second for a day: the server lives as long as this query.
        '--query=SYSTEM START LISTEN HTTP; SYSTEM START LISTEN TCP; SELECT sleepEachRow(1) FROM numbers(86400) SETTINGS max_block_size=1 FORMAT Null',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child = started;
    started.stderr!.on('data', d => (stderr += d));
    // Up to a minute: a restart over data (or a port the kernel has not let go of yet) takes longer than a first start.
    for (let i = 0; i < 600; i++) {
      if (started.exitCode !== null) break;
      try {
        const res = await fetch(`${url}/ping`);
        if (res.ok) return;
      } catch {
        // not yet
      }
      await new Promise(r => setTimeout(r, 100));
    }
    await halt();
    throw new Error(`ClickHouse did not start: ${stderr.slice(-2000)}`);
  };
  try {
    await resume();
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, stop, halt, resume };
}
