import { compositeId } from '@mcpeeker/plugin-mcpeeker-common';
import { formatScanTable } from './formatScanTable';
import type { ScanReport } from './scanEndpoint';

const id = (port: number) => compositeId({ hostIdHash: 'c'.repeat(64), port });

describe('formatScanTable', () => {
  it('lists the detections of one server together, under one number, each with a name', () => {
    const report: ScanReport = {
      schemaVersion: '1.0',
      agentVersion: '0.1.0',
      scannedAt: '2026-12-01T00:00:00.000Z',
      host: { idHash: 'c'.repeat(64), os: 'linux' },
      detections: [
        {
          source: 'process',
          pid: 14747,
          ppid: 1,
          command: 'npm',
          args: [
            'exec',
            '@modelcontextprotocol/server-everything',
            'streamableHttp',
          ],
          confidence: 0.95,
          launcher: 'npm exec',
          reason: 'reference MCP server package',
          compositeId: id(1),
        },
        {
          source: 'process',
          pid: 500,
          ppid: 1,
          command: 'uvx',
          args: ['mcp-server-time'],
          confidence: 0.9,
          reason: 'mcp-server-* package',
          compositeId: id(2),
        },
        {
          source: 'process',
          pid: 14769,
          ppid: 14768,
          command: 'node',
          args: [
            '/x/node_modules/.bin/mcp-server-everything',
            'streamableHttp',
          ],
          confidence: 0.9,
          reason: 'mcp-server-* package',
          compositeId: id(1),
        },
        {
          source: 'port',
          port: 3001,
          pid: 14769,
          url: 'http://127.0.0.1:3001/mcp',
          transport: 'http',
          serverInfo: { name: 'mcp-servers/everything' },
          capabilities: [],
          tools: [],
          compositeId: id(1),
        },
      ],
      errors: [],
      skipped: [],
      stats: { filesRead: 0, directoriesWalked: 0, durationMs: 1 },
      registrySnapshot: { date: '2025-05-16', servers: 1, source: 'test' },
    };
    const lines = formatScanTable(report).split('\n');
    expect(lines[0]).toMatch(/^2 MCP servers found in 4 detections /);
    const rows = lines.slice(3, 7);
    expect(rows.map(r => r.slice(0, 4))).toEqual([
      '  1 ',
      '    ',
      '    ',
      '  2 ',
    ]);
    expect(rows[0]).toMatch(/\(process\) +@modelcontextprotocol\/s/);
    expect(rows[1]).toContain('pid 14769');
    expect(rows[2]).toContain('port 3001');
    expect(rows[3]).toMatch(/ mcp-server-time +running/);
  });
});
