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
});
