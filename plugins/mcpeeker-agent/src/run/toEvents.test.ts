import { validateEvent } from '@mcpeeker/plugin-mcpeeker-common';
import type { ScanReport } from '../scan/scanEndpoint';
import { toEndpointEvents } from './toEvents';

describe('toEndpointEvents', () => {
  it('keeps the parent pid a process detection carries for grouping out of the event', () => {
    const report: ScanReport = {
      schemaVersion: '1.0',
      agentVersion: '0.1.0',
      scannedAt: '2026-12-01T00:00:00.000Z',
      host: { idHash: 'd'.repeat(64), os: 'linux' },
      detections: [
        {
          source: 'process',
          pid: 14747,
          ppid: 14700,
          command: 'npm',
          args: ['exec', '@modelcontextprotocol/server-everything'],
          confidence: 0.95,
          launcher: 'npm exec',
          reason: 'reference MCP server package',
          compositeId: `mcp_${'e'.repeat(32)}`,
        },
      ],
      errors: [],
      skipped: [],
      stats: { filesRead: 0, directoriesWalked: 0, durationMs: 1 },
      registrySnapshot: { date: '2025-05-16', servers: 1, source: 'test' },
    };
    const [event] = toEndpointEvents(report, { addressHashes: [] });
    expect(validateEvent(event)).toMatchObject({ success: true });
    expect(event.detection).not.toHaveProperty('ppid');
    expect(event.compositeId).toBe(`mcp_${'e'.repeat(32)}`);
  });

  it('stamps every event of a scan with what its configs held, and names the config files it could not read', () => {
    const configId = `mcp_${'a'.repeat(32)}`;
    const processId = `mcp_${'b'.repeat(32)}`;
    const report: ScanReport = {
      schemaVersion: '1.0',
      agentVersion: '0.1.0',
      scannedAt: '2026-12-01T00:00:00.000Z',
      host: { idHash: 'd'.repeat(64), os: 'linux' },
      detections: [
        {
          source: 'config',
          client: 'cursor',
          serverName: 'github',
          configPath: '/home/dana/.cursor/mcp.json',
          scope: 'user',
          transport: 'stdio',
          command: 'npx',
          args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
          envNames: [],
          headerNames: [],
          compositeId: configId,
        },
        {
          source: 'process',
          pid: 14747,
          command: 'npm',
          args: ['exec', '@modelcontextprotocol/server-everything'],
          confidence: 0.95,
          reason: 'reference MCP server package',
          compositeId: processId,
        },
      ] as ScanReport['detections'],
      errors: [
        {
          path: '/home/dana/.codeium/windsurf/mcp_config.json',
          message: 'not JSON',
        },
      ],
      skipped: [],
      stats: { filesRead: 2, directoriesWalked: 0, durationMs: 1 },
      registrySnapshot: { date: '2025-05-16', servers: 1, source: 'test' },
    };
    const events = toEndpointEvents(report, { addressHashes: [] });
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(validateEvent(event)).toMatchObject({ success: true });
      // Only config entries are in it: a process alone says nothing of the configs.
      expect(event.scan).toEqual({
        configIds: [configId],
        unreadConfigs: ['/home/dana/.codeium/windsurf/mcp_config.json'],
      });
    }
  });
});
