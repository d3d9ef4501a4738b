import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  parseEntityRef,
  stringifyEntityRef,
  UserEntity,
} from '@backstage/catalog-model';

/** Header the demo sign-in page sends with the chosen user's entity ref. */
export const DEMO_USER_HEADER = 'x-mcpeeker-demo-user';

type DemoContext = { users: Set<string>; disabled: boolean };

export const demoAuthenticator = createProxyAuthenticator<
  DemoContext,
  { userEntityRef: string },
  undefined
>({
  // The person as the catalog describes them (name, email, picture), so the
  // profile and user settings show Dana Developer, not user:default/dana.
  defaultProfileTransform: async ({ userEntityRef }, ctx) => {
    const { entity } = await ctx.findCatalogUser({ entityRef: userEntityRef });
    const profile = (entity.spec as UserEntity['spec'] | undefined)?.profile;
    return {
      profile: {
        ...(profile?.displayName ? { displayName: profile.displayName } : {}),
        ...(profile?.email ? { email: profile.email } : {}),
        ...(profile?.picture ? { picture: profile.picture } : {}),
      },
    };
  },
  initialize({ config }) {
    const users = new Set(
      config
        .getStringArray('users')
        .map(ref =>
          stringifyEntityRef(parseEntityRef(ref, { defaultKind: 'user' })),
        ),
    );
    const disabled =
      process.env.NODE_ENV !== 'development' &&
      config.getOptionalBoolean('dangerouslyAllowOutsideDevelopment') !== true;
    return { users, disabled };
  },
  async authenticate({ req }, { users, disabled }) {
    if (disabled) {
      throw new NotAllowedError(
        'The MCPeeker demo sign-in only works in development (auth.providers.demo.dangerouslyAllowOutsideDevelopment overrides this)',
      );
    }
    const requested = req.header(DEMO_USER_HEADER);
    if (!requested) {
      throw new InputError(
        `Missing ${DEMO_USER_HEADER} header: choose a demo user`,
      );
    }
    const userEntityRef = stringifyEntityRef(
      parseEntityRef(requested, { defaultKind: 'user' }),
    );
    if (!users.has(userEntityRef)) {
      throw new NotAllowedError(
        `${userEntityRef} is not a demo user (auth.providers.demo.users: ${[
          ...users,
        ].join(', ')})`,
      );
    }
    return { result: { userEntityRef } };
  },
});

/**
 * Development-only sign-in as one of the demo users (a developer, a security
 * analyst, a platform admin), so a person trying the portal can see what each
 * role sees. Configured under `auth.providers.demo.users`; signs in through
 * the catalog, so group membership (and so the role) comes from the catalog.
 */
export const authModuleMcpeekerDemoSignIn = createBackendModule({
  pluginId: 'auth',
  moduleId: 'mcpeeker-demo-sign-in',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ providers, config }) {
        if (!config.has('auth.providers.demo')) {
          return;
        }
        providers.registerProvider({
          providerId: 'demo',
          factory: createProxyAuthProviderFactory({
            authenticator: demoAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({ entityRef: result.userEntityRef }),
          }),
        });
      },
    });
  },
});
