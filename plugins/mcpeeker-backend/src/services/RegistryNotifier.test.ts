import type { RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import { describeNotice, resolvedSubmission } from './RegistryNotifier';

const entry = (decisionReason?: string) =>
  ({
    id: 'e1',
    name: 'files',
    owner: 'user:default/dana',
    team: 'group:default/team-a',
    purpose: 'Reads the project folder',
    status: 'approved',
    expiresAt: '2027-03-01T00:00:00.000Z',
    ...(decisionReason ? { decisionReason } : {}),
  } as RegistryEntry);

const ADMINS = ['group:default/platform-admins'];

describe('registry notices quoting what someone wrote', () => {
  it('end each sentence with one full stop, whatever the reason ended with', () => {
    const said = (kind: 'approved' | 'denied' | 'revoked', reason?: string) =>
      describeNotice(
        { kind, entry: entry(reason), actor: 'user:default/pat' },
        ADMINS,
      ).description;
    expect(said('approved', 'Reviewed: read-only please..')).toBe(
      'user:default/pat approved it: Reviewed: read-only please.',
    );
    expect(said('denied', 'Rotate the token first. ')).toBe(
      'user:default/pat denied it: Rotate the token first.',
    );
    expect(said('revoked', 'Still in use?')).toBe(
      'user:default/pat revoked it: Still in use?',
    );
    expect(said('denied')).toBe('user:default/pat denied it.');

    expect(
      describeNotice(
        {
          kind: 'renewed',
          entry: entry('Another quarter.'),
          actor: 'user:default/pat',
        },
        ADMINS,
      ).description,
    ).toBe(
      'user:default/pat renewed it until 2027-03-01 (Another quarter); its detections are recognised again.',
    );
    expect(
      describeNotice(
        {
          kind: 'submitted',
          entry: { ...entry(), status: 'pending' },
          renewal: {
            actor: 'user:default/dana',
            reason: 'Still triaging issues with it.',
          },
        },
        ADMINS,
      ).description,
    ).toBe(
      'It expired; user:default/dana asks to renew it until 2027-03-01 for group:default/team-a: Still triaging issues with it.',
    );
    expect(
      resolvedSubmission({
        kind: 'denied',
        entry: entry('Rotate the token first..'),
        actor: 'user:default/pat',
      })?.description,
    ).toBe(
      'Nothing to do: user:default/pat denied it (Rotate the token first).',
    );
  });

  it('tell a high risk’s evidence and fix without a doubled full stop', () => {
    const { description } = describeNotice(
      {
        kind: 'high-risk',
        finding: {
          compositeId: 'mcp_0123',
          serverName: 'filesystem',
          owner: 'user:default/dana',
        },
        serverKey: 'k',
        risk: {
          kind: 'broad-filesystem',
          title: 'Filesystem access to a root or the home folder',
          evidence: ["the folder it may use is '/'.", 'and /home'],
          fix: 'Allow only the project folder.',
        },
      },
      ADMINS,
    );
    expect(description).toBe(
      "the folder it may use is '/' (and 1 more). Fix: Allow only the project folder.",
    );
  });
});
