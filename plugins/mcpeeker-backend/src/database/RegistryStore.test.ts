import {
  compositeId,
  normalizeServerUrl,
} from '@mcpeeker/plugin-mcpeeker-common';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { AuditLog } from './AuditLog';
import { applyDatabaseMigrations } from './migrations';
import { entryTargets, RegistryStore } from './RegistryStore';

describe('the findings a registry entry stands for', () => {
  it('takes a remote server on no particular host by its URL (as gateways and network sensors key it) and by its host name (all a TLS server name or DNS query shows)', () => {
    const url = 'https://mcp.notion.com/mcp';
    const targets = entryTargets({
      name: 'notion',
      identity: { remoteUrl: url },
    });
    expect(targets.compositeIds).toEqual([
      compositeId({ processSignature: normalizeServerUrl(url) }),
    ]);
    expect(targets.serverNames).toEqual(['notion', 'mcp.notion.com']);
  });

  it('takes a server on one host by that host only, never by name', () => {
    const host = 'a'.repeat(64);
    const targets = entryTargets({
      name: 'notion',
      identity: { hostIdHash: host, remoteUrl: 'https://mcp.notion.com/mcp' },
    });
    expect(targets.serverNames).toEqual([]);
    expect(targets.compositeIds).toEqual([
      compositeId({
        hostIdHash: host,
        processSignature: normalizeServerUrl('https://mcp.notion.com/mcp'),
      }),
    ]);
  });
});

describe('one server, one live registration', () => {
  const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
  const DAY = 86_400_000;

  it('refuses to register a server twice, and to move an entry onto a server another entry registers, naming the entry that has it; a withdrawn one no longer counts', async () => {
    const knex = await databases.init('SQLITE_3');
    const db = await applyDatabaseMigrations(
      mockServices.database({ knex, migrations: { skip: false } }),
    );
    const registry = new RegistryStore(db, new AuditLog('k'.repeat(32)));
    const input = (port: number) => ({
      name: `server-${port}`,
      team: 'group:default/team-a',
      purpose: 'Reads the team wiki',
      identity: { hostIdHash: 'a'.repeat(64), port },
      transport: 'http' as const,
      expiresAt: new Date(Date.now() + 30 * DAY).toISOString(),
    });
    const first = await registry.create(input(3001), 'user:default/dana');
    const second = await registry.create(input(3002), 'user:default/dana');

    // Erin is in team-a too: she is told its name.
    await expect(
      registry.create(input(3001), 'user:default/erin'),
    ).rejects.toThrow(
      `identity: this server is already registered as server-3001 (entry ${first.id}, pending)`,
    );
    // Someone of another team is told only that it is.
    await expect(
      registry.create(
        { ...input(3001), team: 'group:default/team-b' },
        'user:default/sam',
      ),
    ).rejects.toThrow(
      `identity: this server is already registered (entry ${first.id}, pending)`,
    );
    await registry.decide(first.id, 'approve', 'user:default/pat');
    await expect(
      registry.updateIdentity(
        second.id,
        input(3001).identity,
        'user:default/dana',
        'mcp_0123456789abcdef0123456789abcdef',
      ),
    ).rejects.toThrow(
      `identity: this server is already registered as server-3001 (entry ${first.id}, approved)`,
    );
    // The refused move changed nothing.
    expect(await registry.get(second.id)).toMatchObject({
      status: 'pending',
      identity: { port: 3002 },
    });

    await registry.withdraw(first.id, 'user:default/dana');
    await expect(
      registry.updateIdentity(
        second.id,
        input(3001).identity,
        'user:default/dana',
        'mcp_0123456789abcdef0123456789abcdef',
      ),
    ).resolves.toMatchObject({ status: 'pending', identity: { port: 3001 } });
  });

  it('refuses the same server at another version while it waits for the admins, for the same owner or team, naming the entry and how to go on; once decided, the next version registers', async () => {
    const knex = await databases.init('SQLITE_3');
    const db = await applyDatabaseMigrations(
      mockServices.database({ knex, migrations: { skip: false } }),
    );
    const registry = new RegistryStore(db, new AuditLog('k'.repeat(32)));
    // Dana registers github from the finding she saw, then again from the
    // same finding with only Version changed (seen in Chromium).
    const fromFinding = (packageVersion?: string, team = 'team-a') => ({
      name: 'github',
      team: `group:default/${team}`,
      purpose: 'Reads issues of our repositories for triage',
      identity: {
        compositeId: 'mcp_0123456789abcdef0123456789abcdef',
        hostIdHash: 'a'.repeat(64),
        packageId: '@modelcontextprotocol/server-github',
        ...(packageVersion ? { packageVersion } : {}),
      },
      transport: 'stdio' as const,
      expiresAt: new Date(Date.now() + 30 * DAY).toISOString(),
    });
    const refusal = (id: string, version: string, wanted: string) =>
      `identity: this server is already registered as github (entry ${id}, pending, version ${version}) and waits for the admins: an owner or team has one version of a server waiting at a time. For ${wanted}, register it once that entry is decided, or withdraw that entry and register again`;
    const first = await registry.create(
      fromFinding('1.0.0'),
      'user:default/dana',
    );
    await expect(
      registry.create(fromFinding('1.0.1'), 'user:default/dana'),
    ).rejects.toThrow(refusal(first.id, '1.0.0', 'version 1.0.1'));
    await expect(
      registry.create(fromFinding(), 'user:default/dana'),
    ).rejects.toThrow(refusal(first.id, '1.0.0', 'the package unpinned'));
    // Erin, of the same team: the team has it waiting.
    await expect(
      registry.create(fromFinding('2.0.0'), 'user:default/erin'),
    ).rejects.toThrow(refusal(first.id, '1.0.0', 'version 2.0.0'));
    // Dana for another of her teams: she has it waiting.
    await expect(
      registry.create(fromFinding('2.0.0', 'team-b'), 'user:default/dana'),
    ).rejects.toThrow(refusal(first.id, '1.0.0', 'version 2.0.0'));
    // The admins saw it once.
    expect((await registry.allEntries()).map(e => [e.name, e.status])).toEqual([
      ['github', 'pending'],
    ]);
    // Another owner and team registers the version they run.
    await expect(
      registry.create(fromFinding('2.0.0', 'team-b'), 'user:default/sam'),
    ).resolves.toMatchObject({ status: 'pending', owner: 'user:default/sam' });

    // Decided, 1.0.0 no longer waits: the team's next version registers, once.
    await registry.decide(first.id, 'approve', 'user:default/pat');
    const next = await registry.create(
      fromFinding('1.1.0'),
      'user:default/erin',
    );
    expect(next).toMatchObject({
      status: 'pending',
      owner: 'user:default/erin',
    });
    await expect(
      registry.create(fromFinding('1.2.0'), 'user:default/dana'),
    ).rejects.toThrow(refusal(next.id, '1.1.0', 'version 1.2.0'));
    // Withdrawn, the waiting entry no longer counts.
    await registry.withdraw(next.id, 'user:default/erin');
    await expect(
      registry.create(fromFinding('1.2.0'), 'user:default/dana'),
    ).resolves.toMatchObject({
      status: 'pending',
      identity: { packageVersion: '1.2.0' },
    });
  });
});
