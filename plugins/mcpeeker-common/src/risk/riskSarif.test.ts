import { pathToFileURL } from 'node:url';
import { RISK_KIND_IDS, RISK_KINDS } from './risk';
import { fileUri, riskSarifResult, riskSarifRules } from './riskSarif';

describe('fileUri', () => {
  it.each([
    '/home/dana/.cursor/mcp.json',
    '/home/da na/projects/#1?/mcp.json',
    '/tmp/100%/odd\\name\twith\nbreaks.json',
    '/Users/dana/Library/Application Support/Claude/claude_desktop_config.json',
    '/home/dana/ünïcode/mcp.json',
  ])('writes the POSIX path %j as Node’s pathToFileURL does', path => {
    expect(fileUri(path)).toBe(pathToFileURL(path).href);
  });

  it.each([
    [
      'C:\\Users\\dana x\\.cursor\\mcp.json',
      'file:///C:/Users/dana%20x/.cursor/mcp.json',
    ],
    ['d:/work/.vscode/mcp.json', 'file:///d:/work/.vscode/mcp.json'],
    [
      '\\\\fileserver\\share\\a b\\mcp.json',
      'file://fileserver/share/a%20b/mcp.json',
    ],
  ])(
    'writes the Windows path %j as Windows would, on any system',
    (path, uri) => {
      expect(fileUri(path)).toBe(uri);
      expect(fileUri(path)).toBe(pathToFileURL(path, { windows: true }).href);
    },
  );

  it('keeps a relative path relative, each segment encoded', () => {
    expect(fileUri('.cursor/mcp config.json')).toBe(
      '.cursor/mcp%20config.json',
    );
    expect(fileUri('sub\\#1\\mcp.json')).toBe('sub/%231/mcp.json');
  });
});

describe('riskSarifResult', () => {
  const fact = {
    kind: 'inline-secret' as const,
    severity: 'high' as const,
    title: RISK_KINDS['inline-secret'].title,
    evidence: 'env GITHUB_TOKEN holds a GitHub token',
    fix: 'Move it to the environment.',
    location: {
      file: 'C:\\Users\\dana\\.cursor\\mcp.json',
      jsonPath: '$.mcpServers.github.env.GITHUB_TOKEN',
      line: 7,
      column: 9,
    },
  };
  const where = {
    server: "cursor server 'github'",
    serverName: 'github',
    serverLocation: { fullyQualifiedName: 'github', kind: 'resource' },
    properties: { severity: 'high' },
  };

  it('locates a fact at its key in its file, with its kind’s rule and the fix', () => {
    const rules = riskSarifRules();
    const ruleIndex = RISK_KIND_IDS.indexOf('inline-secret');
    expect(rules[ruleIndex].id).toBe('MCPEEKER001');
    expect(rules.map(r => r.id)).toEqual(
      RISK_KIND_IDS.map(k => RISK_KINDS[k].sarif.id),
    );
    const result = riskSarifResult(fact, { ruleIndex, ...where });
    expect(result).toMatchObject({
      ruleId: 'MCPEEKER001',
      ruleIndex,
      level: 'error',
      message: {
        text: "Secret written in the config: cursor server 'github': env GITHUB_TOKEN holds a GitHub token. Fix: Move it to the environment.",
      },
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'file:///C:/Users/dana/.cursor/mcp.json' },
            region: { startLine: 7, startColumn: 9 },
          },
          logicalLocations: [
            {
              name: 'github',
              fullyQualifiedName: '$.mcpServers.github.env.GITHUB_TOKEN',
            },
          ],
        },
      ],
      partialFingerprints: {
        'mcpeekerRisk/v1': expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    // The URI the run names the file by (a repository-relative one) is the one written and fingerprinted.
    const relative = riskSarifResult(fact, {
      ruleIndex,
      uri: '.cursor/mcp.json',
      ...where,
    });
    expect(relative.locations![0].physicalLocation!.artifactLocation.uri).toBe(
      '.cursor/mcp.json',
    );
    expect(relative.partialFingerprints).not.toEqual(
      result.partialFingerprints,
    );
  });

  it('places a fact without a file at its server, and carries suppressions and more fingerprints when given', () => {
    const { location: _none, ...probed } = fact;
    const result = riskSarifResult(
      { ...probed, kind: 'tool-poisoning', severity: 'medium' },
      {
        ruleIndex: RISK_KIND_IDS.indexOf('tool-poisoning'),
        ...where,
        serverLocation: {
          fullyQualifiedName: 'http://127.0.0.1:3001/mcp',
          kind: 'resource',
        },
        partialFingerprints: { 'other/v1': 'x' },
        suppressions: [{ kind: 'external', status: 'accepted' }],
      },
    );
    expect(result).toMatchObject({
      ruleId: 'MCPEEKER010',
      level: 'warning',
      locations: [
        {
          logicalLocations: [
            {
              name: 'github',
              fullyQualifiedName: 'http://127.0.0.1:3001/mcp',
              kind: 'resource',
            },
          ],
        },
      ],
      partialFingerprints: { 'other/v1': 'x' },
      suppressions: [{ kind: 'external', status: 'accepted' }],
    });
    expect(result.locations![0].physicalLocation).toBeUndefined();
    expect(
      riskSarifResult(fact, { ruleIndex: 0, ...where }),
    ).not.toHaveProperty('suppressions');
  });
});
