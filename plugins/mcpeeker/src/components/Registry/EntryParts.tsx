import { useMemo, useState } from 'react';
import { Link } from '@backstage/core-components';
import { useRouteRef } from '@backstage/frontend-plugin-api';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import {
  calendarDaysUntil,
  EXPIRY_WARNING_DAYS,
  hasLapsed,
  type RegistryEntry,
  type RegistryStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { toolSourceInWords } from '../Findings/ToolsPanel';
import { IdText } from '../IdText';
import { CalendarDate, LocalTime, localTime } from '../LocalTime';
import { registryEntryRouteRef } from './entryRoute';

const COLORS: Record<RegistryStatus, string> = {
  pending: '#1565c0',
  approved: '#2e7d32',
  denied: '#c62828',
  revoked: '#6d4c41',
  expired: '#616161',
};

/** A status in words: a pending registration waits for an admin. */
export const STATUS_WORDS: Record<RegistryStatus, string> = {
  pending: 'pending approval',
  approved: 'approved',
  denied: 'denied',
  revoked: 'revoked',
  expired: 'expired',
};

/** An entry's status. */
export function StatusChip({ status }: { status: RegistryStatus }) {
  return (
    <Chip
      size="small"
      label={STATUS_WORDS[status]}
      style={{ backgroundColor: COLORS[status], color: '#fff' }}
    />
  );
}

/** The link to an entry's page, when the MCPeeker page is in the app. */
export function useEntryUrl(): ((id: string) => string) | undefined {
  const entryUrl = useRouteRef(registryEntryRouteRef);
  // One function for as long as the route is the same: tables keep their columns.
  return useMemo(
    () => entryUrl && ((id: string) => entryUrl({ id })),
    [entryUrl],
  );
}

/** An entry's name, linked to its page. */
export function EntryLink({
  entry,
  children,
}: {
  entry: Pick<RegistryEntry, 'id' | 'name'>;
  children?: React.ReactNode;
}) {
  const entryUrl = useEntryUrl();
  const text = children ?? entry.name;
  return entryUrl ? <Link to={entryUrl(entry.id)}>{text}</Link> : <>{text}</>;
}

/** A purpose, three lines at most until the reader asks for all of it. */
export function PurposeText({ purpose }: { purpose: string }) {
  const [whole, setWhole] = useState(false);
  // Roughly what three lines of a table column hold.
  const long = purpose.length > 160;
  return (
    <>
      <Typography
        variant="body2"
        component="span"
        title={long && !whole ? purpose : undefined}
        style={{
          display: '-webkit-box',
          // Prose breaks between words; only a word longer than the line (a URL) inside it.
          overflowWrap: 'break-word',
          wordBreak: 'normal',
          ...(whole || !long
            ? {}
            : {
                WebkitLineClamp: 3,
                WebkitBoxOrient: 'vertical',
                overflow: 'hidden',
              }),
        }}
      >
        {purpose}
      </Typography>
      {long && (
        <Button
          size="small"
          onClick={() => setWhole(w => !w)}
          style={{ padding: 0, minWidth: 0, textTransform: 'none' }}
        >
          {whole ? 'Show less' : 'Read all'}
        </Button>
      )}
    </>
  );
}

/**
 * The expiry date, a calendar date (`CalendarDate`); within
 * `EXPIRY_WARNING_DAYS` of it, in orange with how many days are left, as
 * the reminders count them (`calendarDaysUntil`).
 */
export function ExpiryBadge({ entry }: { entry: RegistryEntry }) {
  const days = calendarDaysUntil(entry.expiresAt);
  const soon =
    days <= EXPIRY_WARNING_DAYS &&
    ['pending', 'approved'].includes(entry.status) &&
    !hasLapsed(entry);
  return soon ? (
    <Chip
      size="small"
      data-testid="expiry-soon"
      label={
        <>
          <CalendarDate iso={entry.expiresAt} /> ·{' '}
          {days === 0 ? 'today' : `in ${days} d`}
        </>
      }
      style={{ backgroundColor: '#ef6c00', color: '#fff' }}
    />
  ) : (
    <CalendarDate iso={entry.expiresAt} />
  );
}

/** What identifies the server, in words. */
export function describeIdentity(identity: RegistryEntry['identity']): string {
  const parts: string[] = [];
  if (identity.compositeId) parts.push(`finding ${identity.compositeId}`);
  if (identity.hostIdHash)
    parts.push(
      `host ${identity.hostIdHash.slice(0, 12)}…${
        identity.port ? ` port ${identity.port}` : ''
      }`,
    );
  if (identity.packageId)
    parts.push(
      `package ${identity.packageId}${
        identity.packageVersion ? `@${identity.packageVersion}` : ''
      }`,
    );
  if (identity.remoteUrl) parts.push(`remote ${identity.remoteUrl}`);
  if (identity.commandSignature)
    parts.push(`command ${identity.commandSignature}`);
  return parts.join(', ');
}

/**
 * The tools pinned on an entry in a few words ("3 tools pinned"), their
 * names, when and by whom in the title: a caption in a narrow column.
 * Nothing when none are pinned.
 */
export function PinnedToolsCount({
  entry,
}: {
  entry: Pick<RegistryEntry, 'pinnedTools'>;
}) {
  const pinned = entry.pinnedTools;
  if (!pinned) return null;
  const count = pinned.definitions.length;
  const names = pinned.definitions.map(t => t.name).join(', ') || 'none';
  return (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      noWrap
      title={`${names} — pinned ${localTime(
        pinned.pinnedAt,
      )} by ${pinnedByInWords(pinned.pinnedBy)}`}
    >
      {count === 1 ? '1 tool pinned' : `${count} tools pinned`}
    </Typography>
  );
}

/**
 * What identifies the server, one part a line, each id and hash in
 * monospace with a copy button (an entry's page has room for them).
 */
export function IdentityDetails({
  identity,
}: {
  identity: RegistryEntry['identity'];
}) {
  const line = (key: string, words: string, rest?: React.ReactNode) => (
    <Box key={key} display="flex" alignItems="center" style={{ gap: 4 }}>
      <span style={{ whiteSpace: 'nowrap' }}>{words}</span>
      {/* Read and copied as words apart; the flex gap sets them apart on screen. */}
      {rest && ' '}
      {rest}
    </Box>
  );
  return (
    <div data-testid="entry-identity">
      {identity.compositeId &&
        line(
          'finding',
          'finding',
          <IdText id={identity.compositeId} label="composite id" />,
        )}
      {identity.hostIdHash &&
        line(
          'host',
          'host',
          <>
            <IdText id={identity.hostIdHash} label="host id" />
            {identity.port !== undefined && ' '}
            {identity.port !== undefined && (
              <span style={{ whiteSpace: 'nowrap' }}>port {identity.port}</span>
            )}
          </>,
        )}
      {identity.packageId &&
        line(
          'package',
          `package ${identity.packageId}${
            identity.packageVersion ? `@${identity.packageVersion}` : ''
          }`,
        )}
      {identity.remoteUrl && line('remote', `remote ${identity.remoteUrl}`)}
      {identity.commandSignature &&
        line(
          'command',
          'command',
          <IdText id={identity.commandSignature} label="command" />,
        )}
    </div>
  );
}

/** Who pinned a set, in words: the approving admin, or MCPeeker itself for the first set seen after an approval. */
function pinnedByInWords(pinnedBy: string): string {
  return pinnedBy.startsWith('system:')
    ? 'MCPeeker (first set seen)'
    : pinnedBy;
}

/**
 * The tools pinned on an entry (count, names, when and by whom), or why
 * there are none yet.
 */
export function PinnedToolsSummary({
  entry,
}: {
  entry: Pick<RegistryEntry, 'pinnedTools'>;
}) {
  const pinned = entry.pinnedTools;
  if (!pinned)
    return (
      <Typography variant="body2" color="textSecondary">
        No tools pinned yet: pinned on approval, or the first set seen after.
      </Typography>
    );
  const count = pinned.definitions.length;
  return (
    <span data-testid="pinned-tools">
      <Typography variant="body2" component="span">
        {count === 1 ? '1 tool' : `${count} tools`}:{' '}
        {pinned.definitions.map(t => t.name).join(', ') || 'none'}
      </Typography>
      <Typography
        variant="caption"
        component="div"
        color="textSecondary"
        title={`as ${toolSourceInWords(
          pinned.from,
        )} reported them for finding ${pinned.fromFinding}`}
      >
        pinned <LocalTime iso={pinned.pinnedAt} /> by{' '}
        {pinnedByInWords(pinned.pinnedBy)}
      </Typography>
    </span>
  );
}
