import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { isMcpReferenceServer } from '@mcpeeker/plugin-mcpeeker-common';
import { describeFinding, toFindingUpdate, totalsOf } from './correlate';
import { loadRules, RuleEngine, ruleFilesIn } from './rules';
import { scoreFinding } from './scoring';
import {
  endpointEvent,
  gatewayEvent,
  HOST,
  networkEvent,
} from '../../__testUtils__/events';

const community = () =>
  new RuleEngine(
    loadRules(
      ruleFilesIn(
        resolvePackagePath(
          '@mcpeeker/plugin-mcpeeker-backend',
          'rules/community',
        ),
      ),
    ),
  );

function writeRules(text: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mcpeeker-rules-'));
  fs.writeFileSync(path.join(dir, 'team.yaml'), text);
  return dir;
}

describe('the signature engine', () => {
  it('tags events with the community rules', () => {
    const engine = community();
    expect(engine.evaluate(endpointEvent()).map(h => h.id)).toEqual([
      'MCP-EP-001',
    ]);
    expect(
      engine.evaluate(endpointEvent({ args: ['-y', 'acme-tools'] })),
    ).toEqual([]);
    expect(
      engine
        .evaluate(
          endpointEvent({
            args: [
              '-y',
              '@modelcontextprotocol/server-filesystem',
              '/home/dana',
            ],
          }),
        )
        .map(h => h.id),
    ).toEqual(['MCP-EP-001', 'MCP-EP-002']);
    expect(
      engine.evaluate(endpointEvent({ source: 'port' })).map(h => h.id),
    ).toEqual(['MCP-EP-006']);
    expect(engine.evaluate(gatewayEvent()).map(h => h.id)).toEqual([
      'MCP-GW-001',
    ]);
    expect(engine.evaluate(networkEvent()).map(h => h.id)).toEqual([]);
  });

  it('calls a package a reference server exactly when common says the MCP project publishes it, so a finding never says both "reference server" and "unknown publisher"', () => {
    const engine = community();
    const reference = (name: string) =>
      engine
        .evaluate(endpointEvent({ args: ['-y', name, '/home/dana'] }))
        .some(h => h.id === 'MCP-EP-001');
    for (const name of [
      '@modelcontextprotocol/server-filesystem',
      '@modelcontextprotocol/server-filesystem@2025.8.21',
      '@modelcontextprotocol/server-memory',
      '@modelcontextprotocol-fake/server-filesystem',
      'modelcontextprotocol/server-filesystem',
      '@evil/server-filesystem',
    ]) {
      const bare = name.replace(/(.)@[^@/]*$/, '$1');
      expect([name, reference(name)]).toEqual([
        name,
        isMcpReferenceServer({ ecosystem: 'npm', name: bare }),
      ]);
    }
    expect(reference('@modelcontextprotocol-fake/server-filesystem')).toBe(
      false,
    );
  });

  it('puts the rules that fired on the finding as tags and reasons, without moving the score', () => {
    const engine = community();
    const event = endpointEvent({
      args: ['-y', '@modelcontextprotocol/server-filesystem', '/home/dana'],
    });
    const { signals } = describeFinding(
      totalsOf(
        toFindingUpdate(
          event,
          { hostOfAddress: () => HOST, findingOfPort: () => undefined },
          engine.evaluate(event),
        ),
      ),
    );
    const breakdown = scoreFinding(signals);
    expect(breakdown.score).toBe(6);
    expect(breakdown.tags).toEqual([
      'data-access',
      'filesystem',
      'reference-server',
    ]);
    expect(breakdown.rules.map(r => r.reason)).toEqual([
      'rule MCP-EP-001 "Reference MCP server package" (low) matched ×1',
      'rule MCP-EP-002 "Filesystem access server" (medium) matched ×1',
    ]);
  });

  it('matches operator rules on ports, methods and tool names', () => {
    const dir = writeRules(`rules:
  - id: ACME-1
    name: Dev ports
    layer: network
    match:
      port: [3000, 8000-8999]
      method: initialize
    tags: [dev-port]
`);
    const engine = new RuleEngine(loadRules(ruleFilesIn(dir)));
    expect(
      engine.evaluate(networkEvent({ port: 8080 })).map(h => h.id),
    ).toEqual(['ACME-1']);
    expect(engine.evaluate(networkEvent({ port: 9090 }))).toEqual([]);
  });

  it.each([
    [
      'rules:\n  - id: X-1\n    name: no conditions\n    match: {}\n',
      /team\.yaml, line 2: rule 1: match needs at least one condition/,
    ],
    [
      'rules:\n  - id: X-1\n    name: typo\n    match:\n      pakage: foo\n',
      /team\.yaml, line 2: rule 1: match Unrecognized key/,
    ],
    [
      'rules:\n  - id: X-1\n    name: ok\n    match: { port: 99999 }\n',
      /team\.yaml, line 2: rule 1: match\.port/,
    ],
    [
      'rules:\n  - id: X 1\n    name: bad id\n    match: { method: x }\n',
      /line 2: rule 1: id must be letters/,
    ],
    ['rules:\n  - id: X-1\n    name: [unclosed\n', /team\.yaml, line \d+: /],
    ['just: text\n', /team\.yaml, line 1: expected a top-level "rules:" list/],
    [
      'rules:\n  - id: MCP-EP-001\n    name: dup\n    match: { method: x }\n',
      /rule id MCP-EP-001 is already defined in .*mcp-servers\.yaml/,
    ],
  ])('stops with the file, line and reason for %j', (text, message) => {
    const dir = writeRules(text);
    const files = [
      ...ruleFilesIn(
        resolvePackagePath(
          '@mcpeeker/plugin-mcpeeker-backend',
          'rules/community',
        ),
      ),
      ...ruleFilesIn(dir),
    ];
    expect(() => loadRules(files)).toThrow(message);
  });
});
