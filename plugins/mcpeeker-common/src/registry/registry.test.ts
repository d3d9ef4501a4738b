import {
  approvalStands,
  EXPIRY_WARNING_DAYS,
  isRenewable,
  registryEntryCreateSchema,
  RegistryStatus,
  standingStatus,
} from './registry';

const now = new Date('2026-06-01T12:00:00Z');
const inDays = (days: number) =>
  new Date(now.getTime() + days * 86_400_000).toISOString();
const entry = (status: RegistryStatus, days: number) => ({
  status,
  expiresAt: inDays(days),
});

describe('where a registry entry stands', () => {
  it('counts an approved entry past its date as expired before the expiry job marks it', () => {
    expect(approvalStands(entry('approved', 1), now)).toBe(true);
    expect(approvalStands(entry('approved', -0.001), now)).toBe(false);
    expect(standingStatus(entry('approved', -1), now)).toBe('expired');
    expect(standingStatus(entry('pending', -1), now)).toBe('expired');
    // A decided entry keeps its word: denied or revoked stays so.
    expect(standingStatus(entry('revoked', -1), now)).toBe('revoked');
    expect(approvalStands(entry('pending', 30), now)).toBe(false);
  });

  it('offers renewal once an entry is within its warning window or ran out, not before', () => {
    expect(
      [
        entry('approved', EXPIRY_WARNING_DAYS + 1),
        entry('approved', EXPIRY_WARNING_DAYS),
        entry('pending', 3),
        entry('approved', -2),
        entry('expired', -20),
        entry('denied', 3),
        entry('revoked', 3),
      ].map(e => isRenewable(e, now)),
    ).toEqual([false, true, true, true, true, false, false]);
  });
});

describe('a stdio registration', () => {
  const base = {
    name: 'notion',
    team: 'group:default/team-a',
    purpose: 'Reads our pages for the docs team',
    expiresAt: inDays(30),
  };
  const issues = (transport: string, identity: Record<string, unknown>) => {
    const parsed = registryEntryCreateSchema.safeParse({
      ...base,
      transport,
      identity,
    });
    return parsed.success
      ? []
      : parsed.error.issues.map(i => [i.path.join('.'), i.message]);
  };
  const url = 'https://mcp.notion.com/mcp';

  it('is refused at its transport when it names only a remote URL', () => {
    expect(issues('stdio', { remoteUrl: url })).toEqual([
      [
        'transport',
        'stdio runs a command on the host: give its package, or choose Streamable HTTP or SSE for a server at a remote URL',
      ],
    ]);
  });

  it('is taken with what it runs, a remote URL beside it or not; a remote URL alone is HTTP or SSE', () => {
    expect(
      issues('stdio', { packageId: '@acme/notion', remoteUrl: url }),
    ).toEqual([]);
    expect(issues('stdio', { packageId: '@acme/notion' })).toEqual([]);
    expect(issues('http', { remoteUrl: url })).toEqual([]);
    expect(issues('sse', { remoteUrl: url })).toEqual([]);
  });
});
