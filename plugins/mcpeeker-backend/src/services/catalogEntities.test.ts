import {
  MCPEEKER_ANNOTATIONS,
  RegistryEntry,
} from '@mcpeeker/plugin-mcpeeker-common';
import { buildCatalogEntities } from './catalogEntities';

const entry = (overrides: Partial<RegistryEntry>): RegistryEntry => ({
  id: '6f1c2a9e-0000-4000-8000-000000000001',
  name: 'github',
  owner: 'user:default/dana',
  team: 'group:default/mcp-developers',
  purpose: 'Triages GitHub issues from Cursor',
  identity: { packageId: '@modelcontextprotocol/server-github' },
  transport: 'stdio',
  expiresAt: '2030-01-01T00:00:00.000Z',
  status: 'pending',
  createdBy: 'user:default/pat',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...overrides,
});

describe('the MCPServer entity of a registry entry', () => {
  it.each([
    ['pending', 'experimental'],
    ['approved', 'production'],
    ['denied', 'deprecated'],
    ['revoked', 'deprecated'],
    ['expired', 'deprecated'],
  ] as const)('an entry %s gets the lifecycle %s', (status, lifecycle) => {
    const [entity] = buildCatalogEntities([entry({ status })], [], 'key');
    expect(entity.spec.lifecycle).toBe(lifecycle);
    expect(entity.spec.registry?.status).toBe(status);
  });

  it('names who registered a restricted entry, and keeps that off an approved one', () => {
    const [pending, approved] = buildCatalogEntities(
      [
        entry({ status: 'pending' }),
        entry({
          id: '6f1c2a9e-0000-4000-8000-000000000002',
          status: 'approved',
        }),
      ],
      [],
      'key',
    );
    expect(pending.metadata.annotations).toMatchObject({
      [MCPEEKER_ANNOTATIONS.registeredBy]: 'user:default/pat',
      [MCPEEKER_ANNOTATIONS.restrictedTo]: 'user:default/dana',
    });
    expect(
      approved.metadata.annotations?.[MCPEEKER_ANNOTATIONS.registeredBy],
    ).toBeUndefined();
  });
});
