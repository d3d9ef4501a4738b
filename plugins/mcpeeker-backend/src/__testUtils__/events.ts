import {
  compositeId,
  createEvent,
  hashIdentifier,
  McpEvent,
} from '@mcpeeker/plugin-mcpeeker-common';

/** A valid endpoint event, as an agent would send it. */
export function endpointEvent(
  overrides: { port?: number; observedAt?: string; args?: string[] } = {},
): McpEvent {
  const hostIdHash = hashIdentifier('host-1', 'test-salt-0123456789');
  return createEvent({
    layer: 'endpoint',
    observedAt: overrides.observedAt ?? '2026-11-21T10:00:00Z',
    compositeId: compositeId({ hostIdHash, port: overrides.port ?? 3001 }),
    sensor: { id: 'agent-1', kind: 'mcpeeker-agent', version: '0.1.0' },
    host: { idHash: hostIdHash, os: 'linux', owner: 'user:default/dana' },
    detection: {
      source: 'config',
      client: 'cursor',
      serverName: 'github',
      configPath: '/home/dana/.cursor/mcp.json',
      scope: 'user',
      transport: 'stdio',
      command: 'npx',
      args: overrides.args ?? ['-y', '@modelcontextprotocol/server-github'],
    },
  });
}
