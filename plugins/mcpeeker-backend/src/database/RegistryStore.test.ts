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

    await expect(
      registry.create(input(3001), 'user:default/erin'),
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
      `identity: this server is already registered (entry ${first.id}, approved)`,
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
});
