import {
  approvalStands,
  EXPIRY_WARNING_DAYS,
  isRenewable,
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
