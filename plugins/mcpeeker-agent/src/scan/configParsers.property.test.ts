// Assertions run inside fast-check's properties (`expectAnswer`, a thrown leak).
/* eslint-disable jest/expect-expect */
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { buildClientMachine } from '../__testUtils__/clientFixtures';
import { applyTextDamage, textDamage } from '../__testUtils__/damage';
import {
  buildLinuxHome,
  buildProjects,
  makeTempDir,
} from '../__testUtils__/fixtures';
import { loadRegistrySnapshot, RegistryIndex } from '../risk/mcpRegistry';
import type { ConfigFormat } from './clientTable';
import { parseConfigText } from './readConfigFile';
import { scanConfigs, ScanResult } from './scanConfigs';

// Run counts stay small: the whole property suite must stay cheap on two cores.
const SALT = 'agent-property-salt-0123456789';
const registry = new RegistryIndex(loadRegistrySnapshot());

function walk(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap(e =>
      e.isDirectory() ? walk(path.join(dir, e.name)) : [path.join(dir, e.name)],
    );
}

/** Every client's fixture config on a Linux machine, in every format the agent reads. */
const machine = makeTempDir('mcpeeker-agent-property-');
buildClientMachine(path.join(machine, 'clients'), 'linux');
buildLinuxHome(
  path.join(machine, 'linux', 'home'),
  path.join(machine, 'linux', 'managed'),
);
buildProjects(path.join(machine, 'linux', 'projects'));
const fixtures = walk(machine).map(file => ({
  file,
  text: fs.readFileSync(file, 'utf8'),
}));

function scanFile(file: string): Promise<ScanResult> {
  return scanConfigs({
    only: [file],
    roots: [],
    home: path.join(machine, 'clients', 'home'),
    platform: 'linux',
    env: {},
    hostIdHash: 'a'.repeat(64),
    salt: SALT,
    registry,
  });
}

/** The scanner's answer for one file: reports, or errors that name the file and say why. */
function expectAnswer(result: ScanResult, file: string) {
  expect(() => JSON.stringify(result)).not.toThrow();
  for (const error of result.errors) {
    expect(error.path).toBe(path.resolve(file));
    expect(error.message.trim()).not.toBe('');
  }
}

/** Restores each fixture after a run changed it. */
async function withContent<T>(
  file: string,
  content: string | Uint8Array,
  run: () => Promise<T>,
): Promise<T> {
  const original = fs.readFileSync(file);
  fs.writeFileSync(file, content);
  try {
    return await run();
  } finally {
    fs.writeFileSync(file, original);
  }
}

const fixtureIndex = fc.nat({ max: fixtures.length - 1 });

/** Secrets in shapes the one redaction knows by their form. */
const secret = fc.oneof(
  fc.stringMatching(/^[A-Za-z0-9]{36}$/).map(body => `ghp_${body}`),
  fc
    .stringMatching(/^[A-Za-z0-9]{30,40}$/)
    .map(body => `sk-ant-api03-${body}7Q`),
  fc.stringMatching(/^[A-Z0-9]{16}$/).map(body => `AKIA${body}`),
  fc
    .stringMatching(/^[A-Za-z0-9]{24,32}$/)
    .map(body => `xoxb-1234567890-${body}`),
  fc.stringMatching(/^[A-Za-z0-9]{20,26}$/).map(body => `glpat-${body}`),
);

/** What parsing threw, if it threw. */
function parseFailure(text: string, format: ConfigFormat): Error | undefined {
  try {
    parseConfigText(text, format);
    return undefined;
  } catch (error) {
    return error as Error;
  }
}

const FORMATS: ConfigFormat[] = [
  'json',
  'json5',
  'toml',
  'yaml',
  'xml',
  'properties',
  'crushrc',
];

describe('config parsers, on any input', () => {
  it('parse any text in every format or fail with an Error, never anything else', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.string({ unit: 'binary', maxLength: 300 }),
          fc.string({
            unit: fc.constantFrom(...'{}[]<>"\':=,\n #&*!-\\/?'.split('')),
            maxLength: 300,
          }),
        ),
        (format, text) => {
          const failure = parseFailure(text, format);
          expect(failure === undefined || failure instanceof Error).toBe(true);
          expect(failure?.message ?? 'parsed').not.toBe('');
        },
      ),
      { numRuns: 700 },
    );
  });

  it('survive nesting far deeper than any config has', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...FORMATS),
        fc.integer({ min: 1_000, max: 10_000 }),
        fc.constantFrom('[', '{"a":', '<a>', 'a:\n ', '- '),
        (format, depth, open) => {
          const failure = parseFailure(open.repeat(depth), format);
          expect(failure === undefined || failure instanceof Error).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  });

  it('read every fixture, damaged, as servers or as an error naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(fixtureIndex, textDamage, async (i, d) => {
        const { file, text } = fixtures[i];
        const result = await withContent(file, applyTextDamage(text, d), () =>
          scanFile(file),
        );
        expectAnswer(result, file);
      }),
      { numRuns: 150 },
    );
  });

  it('read random bytes in place of any fixture as servers or an error naming the file', async () => {
    await fc.assert(
      fc.asyncProperty(
        fixtureIndex,
        fc.uint8Array({ maxLength: 400 }),
        async (i, bytes) => {
          const { file } = fixtures[i];
          const result = await withContent(file, bytes, () => scanFile(file));
          expectAnswer(result, file);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never report a secret planted anywhere in a config, whether the file still parses or not', async () => {
    await fc.assert(
      fc.asyncProperty(
        fixtureIndex,
        fc.nat(),
        secret,
        async (i, pick, planted) => {
          const { file, text } = fixtures[i];
          // Any word of the file: a value, a key, a keyword, a tag.
          const words = [...text.matchAll(/[A-Za-z0-9_]{3,}/g)];
          fc.pre(words.length > 0);
          const word = words[pick % words.length];
          const changed =
            text.slice(0, word.index) +
            planted +
            text.slice(word.index! + word[0].length);
          const result = await withContent(file, changed, () => scanFile(file));
          expectAnswer(result, file);
          const output = JSON.stringify(result);
          if (output.includes(planted))
            throw new Error(
              `${path.relative(machine, file)}: '${
                word[0]
              }' → secret leaked in ${output}`,
            );
        },
      ),
      { numRuns: 250 },
    );
  });
});
