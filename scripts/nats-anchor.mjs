#!/usr/bin/env node
// Keeps one stream on the test NATS server for the length of the tests.
// NATS 2.9 (Debian's) removes the account's stream directory when its last
// stream is deleted; a test creating a stream at that moment fails with
// "error creating store for stream" (seen in CI: the log says
// `mkdir …/jetstream/$G/streams: no such file or directory`). With this
// stream always there, the directory never goes. Idempotent.
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const { connect } = require('@nats-io/transport-node');
const { jetstreamManager } = require('@nats-io/jetstream');

const servers = process.env.MCPEEKER_TEST_NATS_URL ?? 'nats://127.0.0.1:4222';
const nc = await connect({ servers });
const jsm = await jetstreamManager(nc);
const name = 'MCPEEKER_TEST_ANCHOR';
try {
  await jsm.streams.info(name);
} catch {
  await jsm.streams.add({ name, subjects: ['mcpeeker-test-anchor'] });
}
await nc.close();
