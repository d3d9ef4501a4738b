import {
  approvalStands,
  EXPIRY_WARNING_DAYS,
  expiryProblem,
  isRenewable,
  MAX_REGISTRY_DAYS,
  registryEntryCreateSchema,
  RegistryStatus,
  standingStatus,
} from './registry';
import {
  MAX_SUPPRESSION_DAYS,
  suppressionExpiryProblem,
} from '../findings/triage';

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

describe('an expiry', () => {
  it.each([
    ['a registry entry', expiryProblem, MAX_REGISTRY_DAYS],
    ['a suppression', suppressionExpiryProblem, MAX_SUPPRESSION_DAYS],
  ] as const)(
    'takes the last day a form offers for %s, at any hour it is chosen, and refuses the day after',
    (_, problem, maxDays) => {
      // The forms offer days up to maxDays ahead and send the end of the chosen day (UTC).
      for (const hour of ['00:00:01', '12:00:00', '23:59:58']) {
        const at = new Date(`2026-12-03T${hour}Z`);
        const offered = (days: number) =>
          new Date(at.getTime() + days * 86_400_000).toISOString().slice(0, 10);
        expect(problem(`${offered(maxDays)}T23:59:59Z`, at)).toBeUndefined();
        expect(problem(`${offered(maxDays + 1)}T23:59:59Z`, at)).toBe(
          `must be at most ${maxDays} days ahead`,
        );
      }
      expect(
        problem('2026-12-03T00:00:00Z', new Date('2026-12-03T10:00:00Z')),
      ).toBe('must be in the future');
    },
  );
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

describe('what a registration is told about its fields', () => {
  const base = {
    name: 'github',
    team: 'group:default/team-a',
    purpose: 'Reads our issues for the platform team',
    transport: 'stdio',
    expiresAt: inDays(30),
    identity: { packageId: '@modelcontextprotocol/server-github' },
  };
  /** Each issue as `path message`, as the form and the API write them. */
  const issues = (change: Record<string, unknown>) => {
    const parsed = registryEntryCreateSchema.safeParse({ ...base, ...change });
    return parsed.success
      ? []
      : parsed.error.issues.map(i => `${i.path.join('.')} ${i.message}`);
  };
  /** zod's own words, which say nothing to the person filling the form. */
  const ZOD_WORDS =
    /Too (small|big)|Invalid (input|option|string|ISO|format|element)|expected (string|number|array|one of)|>=|<=/;

  it('says in words what is wrong with a name', () => {
    // The first reason is the one the form shows beside the field.
    expect(issues({ name: '' })[0]).toBe('name must not be empty');
    expect(issues({ name: '   ' })[0]).toBe('name must not be empty');
    expect(issues({ name: 'g'.repeat(129) })).toEqual([
      'name must be at most 128 characters',
    ]);
    expect(issues({ name: 'g'.repeat(128) })).toEqual([]);
  });

  it('takes a version as a command pins it, and refuses anything else with a reason', () => {
    for (const version of [
      '1.2.3',
      'v2',
      '2025.1.0-rc.1',
      '1.0.0+build.5',
      '0.6_2',
    ])
      expect(
        issues({ identity: { ...base.identity, packageVersion: version } }),
      ).toEqual([]);
    const rule =
      'identity.packageVersion must be a version such as 1.2.3: letters, digits and . _ + - only, starting with a letter or digit';
    for (const version of ['latest; rm -rf /', '^1.2', '1.2 beta', '-1', '*'])
      expect(
        issues({ identity: { ...base.identity, packageVersion: version } }),
      ).toEqual([rule]);
    expect(
      issues({
        identity: { ...base.identity, packageVersion: '1'.repeat(65) },
      }),
    ).toEqual(['identity.packageVersion must be at most 64 characters']);
  });

  it("never passes on zod's own words, whatever field is wrong", () => {
    const long = (n: number) => 'x'.repeat(n);
    const serverJson = {
      name: 'io.github.acme/weather',
      description: 'Weather',
      version: '1.0.0',
      packages: [
        {
          registryType: 'npm',
          identifier: '@acme/weather',
          transport: { type: 'stdio' },
        },
      ],
    };
    const wrong: Record<string, unknown>[] = [
      { name: '' },
      { name: long(129) },
      { transport: 'pigeon' },
      { expiresAt: 'tomorrow' },
      { fromFinding: 'mcp_nope' },
      { identity: { hostIdHash: 'a'.repeat(64), port: 0 } },
      { identity: { hostIdHash: 'a'.repeat(64), port: 1.5 } },
      { identity: { hostIdHash: 'a'.repeat(64), port: '80' } },
      { identity: { packageId: '' } },
      { identity: { packageId: long(215) } },
      { identity: { packageId: 'p', packageVersion: '' } },
      { identity: { commandSignature: long(513) } },
      { identity: { packageId: 'p', packageArguments: [''] } },
      { identity: { packageId: 'p', packageArguments: Array(65).fill('a') } },
      { identity: { remoteUrl: `https://x.example/${long(2048)}` } },
      { serverJson: { ...serverJson, name: 'a' } },
      { serverJson: { ...serverJson, description: '' } },
      { serverJson: { ...serverJson, title: long(101) } },
      { serverJson: { ...serverJson, version: '' } },
      {
        serverJson: {
          ...serverJson,
          packages: [{ registryType: '', identifier: '', transport: {} }],
        },
      },
      { serverJson: { ...serverJson, remotes: [{ type: 'ftp', url: 'x' }] } },
    ];
    for (const change of wrong) {
      const said = issues(change);
      expect(said.length).toBeGreaterThan(0);
      for (const issue of said) expect(issue).not.toMatch(ZOD_WORDS);
    }
  });
});
