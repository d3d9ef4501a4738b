import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { eventJsonSchema } from './jsonSchema';
import { createEvent } from './validation';
import { hashIdentifier } from '../identity/hashing';
import { compositeId } from '../identity/compositeId';

const schemaFile = path.resolve(
  __dirname,
  '../../../../docs/events.schema.json',
);

describe('docs/events.schema.json', () => {
  const generated = `${JSON.stringify(eventJsonSchema(), null, 2)}\n`;

  if (process.env.MCPEEKER_WRITE_SCHEMA) {
    fs.writeFileSync(schemaFile, generated);
  }

  it('is the JSON Schema generated from the zod schemas', () => {
    const checkedIn = fs.existsSync(schemaFile)
      ? fs.readFileSync(schemaFile, 'utf8')
      : '';
    // If this fails: yarn workspace @mcpeeker/plugin-mcpeeker-common schema:generate
    expect(checkedIn).toBe(generated);
  });

  it('accepts what createEvent builds and rejects what it would refuse', () => {
    const ajv = new Ajv2020({ strict: false });
    addFormats(ajv);
    const validate = ajv.compile(
      JSON.parse(fs.readFileSync(schemaFile, 'utf8')),
    );
    const hostIdHash = hashIdentifier('h', 's');
    const event = createEvent({
      layer: 'gateway',
      observedAt: '2026-11-21T10:00:00Z',
      compositeId: compositeId({ processSignature: 'gateway:github' }),
      sensor: { id: 'gw', kind: 'llm-gateway' },
      request: { requestId: 'r1', toolNames: ['mcp__github__create_issue'] },
      judge: { verdict: 'mcp', confidence: 0.9, explanation: 'tool names' },
    });
    expect(validate(JSON.parse(JSON.stringify(event)))).toBe(true);
    expect(
      validate({ ...event, layer: 'endpoint', host: { idHash: hostIdHash } }),
    ).toBe(false);
  });
});
