import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import {
  registerMswTestHooks,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import type { IdentityApi } from '@backstage/core-plugin-api';
import { DemoSignInPage } from './DemoSignInPage';

function identityResponse(userEntityRef: string, group: string) {
  const claims = Buffer.from(
    JSON.stringify({
      sub: userEntityRef,
      ent: [userEntityRef, group],
      exp: Math.floor(Date.now() / 1000) + 3600,
    }),
  ).toString('base64url');
  return {
    profile: {},
    backstageIdentity: {
      token: `eyJhbGciOiJub25lIn0.${claims}.sig`,
      expiresInSeconds: 3600,
      identity: {
        type: 'user',
        userEntityRef,
        ownershipEntityRefs: [userEntityRef, group],
      },
    },
  };
}

describe('DemoSignInPage', () => {
  const server = setupServer();
  registerMswTestHooks(server);
  afterEach(() => window.sessionStorage.clear());

  it('signs in as the chosen role through the demo provider, and sign-out forgets the choice', async () => {
    const sentUsers: string[] = [];
    server.use(
      http.get('*/api/auth/demo/refresh', ({ request }) => {
        sentUsers.push(request.headers.get('x-mcpeeker-demo-user') ?? '');
        return HttpResponse.json(
          identityResponse(
            'user:default/sam',
            'group:default/security-analysts',
          ),
        );
      }),
      http.post(
        '*/api/auth/demo/logout',
        () => new HttpResponse(null, { status: 200 }),
      ),
    );
    let identity: IdentityApi | undefined;
    await renderInTestApp(
      <DemoSignInPage onSignInSuccess={i => (identity = i)} />,
    );

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Sign in as Security analyst',
      }),
    );
    await waitFor(() => expect(identity).toBeDefined());
    expect(sentUsers[0]).toBe('user:default/sam');
    expect(await identity!.getBackstageIdentity()).toMatchObject({
      userEntityRef: 'user:default/sam',
      ownershipEntityRefs: [
        'user:default/sam',
        'group:default/security-analysts',
      ],
    });
    expect(window.sessionStorage.getItem('mcpeeker.demoUser')).toBe(
      'user:default/sam',
    );

    await identity!.signOut();
    expect(window.sessionStorage.getItem('mcpeeker.demoUser')).toBeNull();
  });

  it('says why sign-in failed and lets the person choose again', async () => {
    server.use(
      http.get('*/api/auth/demo/refresh', () =>
        HttpResponse.json(
          {
            error: {
              name: 'NotAllowedError',
              message: 'The MCPeeker demo sign-in only works in development',
            },
          },
          { status: 403 },
        ),
      ),
    );
    await renderInTestApp(<DemoSignInPage onSignInSuccess={() => {}} />);
    await userEvent.click(
      await screen.findByRole('button', { name: 'Sign in as Developer' }),
    );

    expect(
      await screen.findByText(/only works in development/),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Choose another user' }),
    );
    expect(
      await screen.findByRole('button', { name: 'Sign in as Platform admin' }),
    ).toBeInTheDocument();
    expect(window.sessionStorage.getItem('mcpeeker.demoUser')).toBeNull();
  });
});
