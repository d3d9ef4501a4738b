import fs from 'node:fs';
import path from 'node:path';
import { validateEvent } from '@mcpeeker/plugin-mcpeeker-common';
// The corpus is test-only and deliberately not exported by the package.
// eslint-disable-next-line @backstage/no-forbidden-package-imports
import {
  SECRET_FORMATS,
  SecretFormat,
  SecretSample,
  secretSamples,
} from '@mcpeeker/plugin-mcpeeker-common/src/redaction/secretCorpus';
import { makeTempDir } from '../__testUtils__/fixtures';
import { runCli } from '../cli';

/** What of a sample is in the output: its value, or any 8 characters of a random part. */
function leaksOf(sample: SecretSample, output: string): string[] {
  const leaks: string[] = [];
  if (output.includes(sample.value)) leaks.push('the whole value');
  for (const part of sample.randomParts) {
    for (const written of new Set([part, encodeURIComponent(part)])) {
      for (let i = 0; i + 8 <= written.length; i++) {
        if (output.includes(written.slice(i, i + 8))) {
          leaks.push(`'${written.slice(i, i + 8)}' of ${written}`);
          break;
        }
      }
    }
  }
  return leaks;
}

const quoted = (value: string) =>
  /[\s"]/.test(value) ? JSON.stringify(value) : value;

/** The places of a request log a credential can be in, for each of the three formats. */
function linesWith(format: SecretFormat, value: string): string[] {
  const named = `${format.envName}=${quoted(value)}`;
  // The bare value first: what is cut to fit an excerpt is the end.
  const prose = `${format.bare ? `${value} or ` : ''}use ${named}`;
  const oneLine = format.kind !== 'multiline';
  const url = oneLine
    ? `https://acme:${encodeURIComponent(
        value,
      )}@mcp.acme.dev/mcp?api_key=${encodeURIComponent(value)}`
    : 'https://mcp.acme.dev/mcp';
  const anthropic = {
    request_id: 'req_secret_test',
    user: value,
    body: {
      model: 'claude-sonnet-4-5',
      max_tokens: 1024,
      metadata: { user_id: value },
      mcp_servers: [
        { type: 'url', url, name: 'acme', authorization_token: value },
      ],
      tools: [
        { type: 'mcp_toolset', mcp_server_name: 'acme' },
        {
          name: 'mcp__vault__read',
          description: prose,
          input_schema: { type: 'object', properties: {} },
        },
      ],
      messages: [{ role: 'user', content: `Here is my key. ${prose}` }],
    },
  };
  const openai = {
    model: 'gpt-4.1',
    user: value,
    messages: [
      { role: 'system', content: named },
      { role: 'user', content: prose },
    ],
    tools: [
      {
        type: 'function',
        function: {
          name: 'call_acme',
          description: prose,
          parameters: { type: 'object', properties: {} },
        },
      },
    ],
  };
  const litellm = {
    id: 'chatcmpl-secret-test',
    call_type: 'acompletion',
    startTime: 1795255200,
    model: 'gpt-4o',
    api_base: oneLine
      ? `https://api.acme.dev/v1?key=${encodeURIComponent(value)}`
      : 'https://api.acme.dev/v1',
    metadata: {
      user_api_key_hash: value,
      user_api_key_user_id: value,
      requester_metadata: { authorization: `Bearer ${value}` },
    },
    end_user: value,
    messages: [{ role: 'user', content: prose }],
    model_parameters: {
      api_key: value,
      extra_headers: { Authorization: `Bearer ${value}` },
      tools: [
        {
          type: 'mcp',
          server_label: 'acme',
          server_url: url,
          headers: { Authorization: `Bearer ${value}` },
          authorization: value,
        },
        {
          type: 'function',
          function: { name: 'lookup', description: prose },
        },
      ],
    },
    hidden_params: { additional_headers: { 'x-api-key': value } },
  };
  return [anthropic, openai, litellm].map(line => JSON.stringify(line));
}

describe('no credential from a gateway log reaches an event or the terminal', () => {
  const dir = makeTempDir();

  it.each(SECRET_FORMATS.map(format => [format.id, format] as const))(
    '%s',
    async (_id, format) => {
      const samples = secretSamples(format, 3);
      const lines = samples.flatMap(sample => [
        ...linesWith(format, sample.value),
        // A broken line holding one: named on stderr by its number only.
        `{"authorization_token": "${sample.value.replace(/\n/g, '\\n')}"`,
      ]);
      const file = path.join(dir, `${format.id}.jsonl`);
      fs.writeFileSync(file, `${lines.join('\n')}\n`);
      let stdout = '';
      let stderr = '';
      const code = await runCli(['gateway', '--read', file], {
        stdout: text => (stdout += text),
        stderr: text => (stderr += text),
        env: { MCPEEKER_HOST_ID_SALT: 'secret-test-salt-0123456789' },
      });
      expect(code).toBe(0);
      const events = stdout
        .trim()
        .split('\n')
        .map(l => JSON.parse(l));
      for (const event of events)
        expect(validateEvent(event)).toMatchObject({ success: true });
      expect(stderr).toContain(
        // Per sample: the Anthropic request's two servers, the OpenAI
        // request's tool set, the LiteLLM request's server; one broken line.
        `${samples.length * 4} lines, ${samples.length * 4} events, ${
          samples.length
        } skipped (not JSON ×${samples.length})`,
      );
      for (const sample of samples) {
        expect({
          sample: sample.value,
          leaks: leaksOf(sample, stdout),
        }).toEqual({ sample: sample.value, leaks: [] });
        expect({
          sample: sample.value,
          leaks: leaksOf(sample, stderr),
        }).toEqual({ sample: sample.value, leaks: [] });
      }
    },
  );
});
