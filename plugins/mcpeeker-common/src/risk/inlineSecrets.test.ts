import { findInlineSecrets, isCredentialName } from './inlineSecrets';
import { RISK_KIND_IDS, RISK_KINDS, riskFactSchema } from './risk';
import { SECRET_FORMATS, secretSamples } from '../redaction/secretCorpus';

// A classic personal access token (the corpus also makes fine-grained ones).
const GITHUB_TOKEN = 'ghp_8fKq2LmZ0pXw7NvB3cRt6YhJ1sDe9UaG4iOo';

describe('findInlineSecrets', () => {
  it('finds every corpus secret written inline in env, names its kind when it has a shape, and never returns the value', () => {
    for (const format of SECRET_FORMATS) {
      if (format.kind === 'multiline') continue;
      for (const { value } of secretSamples(format, 2)) {
        const found = findInlineSecrets({ env: { [format.envName]: value } });
        expect([format.id, found.length]).toEqual([format.id, 1]);
        expect(found[0]).toMatchObject({ where: 'env', name: format.envName });
        expect(JSON.stringify(found)).not.toContain(value);
      }
    }
    expect(findInlineSecrets({ env: { GH: GITHUB_TOKEN } })[0].kind).toBe(
      'a GitHub token',
    );
  });

  it('leaves references to secrets kept elsewhere and ordinary values alone', () => {
    expect(
      findInlineSecrets({
        env: {
          API_KEY: '${API_KEY}',
          GITHUB_TOKEN: '${env:GITHUB_TOKEN}',
          SLACK_TOKEN: '$SLACK_TOKEN',
          NODE_ENV: 'production',
          LOG_LEVEL: 'debug',
          EMPTY_TOKEN: '',
        },
        headers: {
          Authorization: 'Bearer ${LINEAR_TOKEN}',
          'Content-Type': 'application/json',
        },
        args: [
          '-y',
          '@modelcontextprotocol/server-github@2025.4.8',
          '--api-key=$ACME_API_KEY',
          '--token',
          '${TOKEN}',
        ],
        url: 'https://mcp.acme.dev/sse?region=eu&session=1',
      }),
    ).toEqual([]);
  });

  it('says where in arguments, headers and the URL a secret sits', () => {
    const token = GITHUB_TOKEN;
    const found = findInlineSecrets({
      headers: { 'X-API-Key': 'plain-written-api-key-123' },
      args: ['run', '-e', `GITHUB_TOKEN=${token}`, '--api-key', 'k-42-value'],
      url: 'https://bob:hunter2-long-password@mcp.acme.dev/mcp?api_key=abcdef123456',
    });
    expect(found).toEqual([
      { where: 'header', name: 'X-API-Key' },
      {
        where: 'argument',
        index: 2,
        name: 'GITHUB_TOKEN',
        kind: 'a GitHub token',
      },
      { where: 'argument', index: 4, name: '--api-key' },
      { where: 'url', name: 'password', kind: 'a password' },
      { where: 'url', name: 'api_key' },
    ]);
  });

  it('knows credential names whatever their value', () => {
    expect(isCredentialName('Authorization')).toBe(true);
    expect(isCredentialName('X-API-Key')).toBe(true);
    expect(isCredentialName('Content-Type')).toBe(false);
  });
});

describe('RISK_KINDS', () => {
  it('describes every kind once, with a distinct SARIF rule', () => {
    expect(Object.keys(RISK_KINDS).sort()).toEqual([...RISK_KIND_IDS].sort());
    const ids = Object.values(RISK_KINDS).map(k => k.sarif.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const kind of RISK_KIND_IDS) {
      expect(
        riskFactSchema.safeParse({
          kind,
          severity: RISK_KINDS[kind].severity,
          title: RISK_KINDS[kind].title,
          evidence: 'x',
          fix: RISK_KINDS[kind].fix,
        }).success,
      ).toBe(true);
    }
  });
});
