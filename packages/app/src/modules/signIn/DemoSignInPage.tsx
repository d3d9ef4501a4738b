import { useState } from 'react';
import {
  Content,
  Header,
  InfoCard,
  Page,
  ProxiedSignInPage,
} from '@backstage/core-components';
import type { IdentityApi, SignInPageProps } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  DEMO_USER_HEADER,
  DEMO_USER_STORAGE_KEY,
  DEMO_USERS,
} from './demoUsers';

function forgetChoice() {
  window.sessionStorage.removeItem(DEMO_USER_STORAGE_KEY);
}

/** The backend's reason when it gave one (a ResponseError's body), else the message. */
function describeSignInError(error?: Error): string {
  const body = (error as { body?: { error?: { message?: string } } })?.body;
  return body?.error?.message ?? error?.message ?? 'Unknown error';
}

/** Signing out also forgets the chosen demo user, so the picker shows again. */
function forgettingOnSignOut(identity: IdentityApi): IdentityApi {
  return {
    getProfileInfo: () => identity.getProfileInfo(),
    getBackstageIdentity: () => identity.getBackstageIdentity(),
    getCredentials: () => identity.getCredentials(),
    signOut: async () => {
      forgetChoice();
      await identity.signOut();
    },
  };
}

/**
 * Development sign-in: pick a role, be signed in as its demo user through the
 * backend's `demo` provider (a real Backstage token, groups from the catalog).
 */
export function DemoSignInPage(props: SignInPageProps) {
  const [user, setUser] = useState(() =>
    window.sessionStorage.getItem(DEMO_USER_STORAGE_KEY),
  );

  if (user) {
    return (
      <ProxiedSignInPage
        provider="demo"
        headers={{ [DEMO_USER_HEADER]: user }}
        onSignInSuccess={identity =>
          props.onSignInSuccess(forgettingOnSignOut(identity))
        }
        ErrorComponent={({ error }) => (
          <Page themeId="home">
            <Header
              title="MCPeeker"
              pageTitleOverride="Sign-in failed"
              subtitle="Demo sign-in"
            />
            <Content>
              <InfoCard title="Sign-in failed">
                <Typography color="error" paragraph>
                  {describeSignInError(error)}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  onClick={() => {
                    forgetChoice();
                    setUser(null);
                  }}
                >
                  Choose another user
                </Button>
              </InfoCard>
            </Content>
          </Page>
        )}
      />
    );
  }

  return (
    <Page themeId="home">
      <Header
        title="MCPeeker"
        pageTitleOverride="Sign in"
        subtitle="Demo sign-in: choose whose eyes to see through"
      />
      <Content>
        <Typography variant="h5" component="h2" gutterBottom>
          Sign in as
        </Typography>
        <Grid container spacing={3}>
          {DEMO_USERS.map(demo => (
            <Grid item xs={12} md={4} key={demo.ref}>
              <InfoCard title={demo.role} subheader={demo.name}>
                <Typography variant="body2" paragraph>
                  {demo.sees}
                </Typography>
                <Button
                  variant="contained"
                  color="primary"
                  aria-label={`Sign in as ${demo.role}`}
                  onClick={() => {
                    window.sessionStorage.setItem(
                      DEMO_USER_STORAGE_KEY,
                      demo.ref,
                    );
                    setUser(demo.ref);
                  }}
                >
                  Sign in as {demo.name}
                </Button>
              </InfoCard>
            </Grid>
          ))}
        </Grid>
      </Content>
    </Page>
  );
}
