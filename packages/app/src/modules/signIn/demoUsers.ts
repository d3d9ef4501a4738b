/** The demo identities of `catalog/demo-org.yaml`, one per MCPeeker role. */
export const DEMO_USERS = [
  {
    ref: 'user:default/dana',
    name: 'Dana Developer',
    role: 'Developer',
    sees: 'Findings of her own endpoints; registers her MCP servers.',
  },
  {
    ref: 'user:default/sam',
    name: 'Sam Analyst',
    role: 'Security analyst',
    sees: 'Every finding, its evidence, score and the Judge’s reasoning.',
  },
  {
    ref: 'user:default/pat',
    name: 'Pat Admin',
    role: 'Platform admin',
    sees: 'Everything an analyst sees; approves, denies and revokes registrations.',
  },
] as const;

export const DEMO_USER_HEADER = 'x-mcpeeker-demo-user';
export const DEMO_USER_STORAGE_KEY = 'mcpeeker.demoUser';
