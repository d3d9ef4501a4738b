import type { AuthResolverContext } from '@backstage/plugin-auth-node';
import { demoAuthenticator } from './demoSignIn';

/** A resolver context whose catalog holds these users. */
function contextWith(users: Record<string, object>): AuthResolverContext {
  return {
    findCatalogUser: async ({ entityRef }: { entityRef: string }) => {
      const spec = users[entityRef];
      if (!spec) throw new Error(`no user ${entityRef}`);
      return {
        entity: {
          apiVersion: 'backstage.io/v1alpha1',
          kind: 'User',
          metadata: { name: entityRef.split('/')[1] },
          spec,
        },
      };
    },
  } as unknown as AuthResolverContext;
}

describe('the demo sign-in profile', () => {
  it("is the catalog user's name, email and picture, so the portal greets Dana by name", async () => {
    const { profile } = await demoAuthenticator.defaultProfileTransform(
      { userEntityRef: 'user:default/dana' },
      contextWith({
        'user:default/dana': {
          profile: {
            displayName: 'Dana Developer',
            email: 'dana@example.com',
            picture: 'https://example.com/dana.png',
          },
          memberOf: ['mcp-developers'],
        },
      }),
    );
    expect(profile).toEqual({
      displayName: 'Dana Developer',
      email: 'dana@example.com',
      picture: 'https://example.com/dana.png',
    });
  });

  it('leaves out what the catalog does not say', async () => {
    const { profile } = await demoAuthenticator.defaultProfileTransform(
      { userEntityRef: 'user:default/sam' },
      contextWith({ 'user:default/sam': { memberOf: [] } }),
    );
    expect(profile).toEqual({});
  });
});
