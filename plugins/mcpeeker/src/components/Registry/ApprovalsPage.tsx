import { useMemo, useRef, useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import { useApi } from '@backstage/frontend-plugin-api';
import Grid from '@material-ui/core/Grid';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import type { RegistryEntry } from '@mcpeeker/plugin-mcpeeker-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import {
  countOf,
  CutText,
  EmptyRows,
  listOptions,
  oneLine,
  WrapText,
} from '../TableParts';
import { ActionDone, EntryActions } from './EntryActions';
import {
  describeIdentity,
  EntryLink,
  ExpiryBadge,
  PinnedToolsCount,
  PurposeText,
} from './EntryParts';

/**
 * The columns, fixed in width so that the table fits the page from 1280 px
 * up and the decision stays in view. What the admin decides on is shown
 * whole, over more lines where narrow: the server's identity, who asks
 * (owner) and for which team; only a long server name is cut with an
 * ellipsis (the whole in its title). Measured in Chromium: at 1280 px the
 * table is 1008 px wide, Server 290 (a finding's id fits on one line),
 * Purpose 190.
 */
function approvalColumns(
  onDone: (done: ActionDone) => void,
): TableColumn<RegistryEntry>[] {
  return [
    {
      title: 'Server',
      field: 'name',
      width: '290px',
      render: entry => (
        <>
          <CutText title={entry.name}>
            <EntryLink entry={entry} />
          </CutText>
          <WrapText secondary text={describeIdentity(entry.identity)} />
          {/* Pinned on approval: a pending entry has them only when sent back for renewal. */}
          <PinnedToolsCount entry={entry} />
        </>
      ),
    },
    {
      title: 'Owner / team',
      field: 'owner',
      width: '160px',
      render: entry => (
        <>
          <WrapText text={entry.owner} />
          <WrapText secondary text={entry.team} />
        </>
      ),
    },
    {
      title: 'Purpose',
      field: 'purpose',
      render: entry => <PurposeText purpose={entry.purpose} />,
    },
    {
      title: 'Expires',
      field: 'expiresAt',
      width: '168px',
      cellStyle: oneLine,
      render: entry => <ExpiryBadge entry={entry} />,
    },
    {
      title: 'Decision',
      sorting: false,
      width: '200px',
      render: entry => (
        <EntryActions
          entry={entry}
          only={['approve', 'deny']}
          onDone={onDone}
        />
      ),
    },
  ];
}

/** Pending registrations, for admins to approve or deny (with a reason). The backend enforces who may. */
// The same element while the text is the same: Backstage's Table rebuilds
// its rows whenever emptyContent changes, closing what a row holds open.
const NO_MATCH = <EmptyRows title="No pending registration matches" />;
const NOTHING_WAITS = <EmptyRows title="Nothing waits for approval" />;

export function ApprovalsPage() {
  const api = useApi(mcpeekerApiRef);
  const [message, setMessage] = useState<string>();
  const [text, setText] = useState('');
  const pending = useAsyncRetry(
    () =>
      api.listRegistry({
        status: ['pending'],
        q: text.trim() || undefined,
        limit: 200,
      }),
    [api, text],
  );
  // Columns made once (the table would reset its state on new ones); the
  // reload they call is the latest.
  const reload = useRef(pending.retry);
  reload.current = pending.retry;
  const columns = useMemo(
    () =>
      approvalColumns(done => {
        setMessage(done.message);
        reload.current();
      }),
    [],
  );
  const items = pending.value?.items ?? [];
  return (
    <>
      <Grid
        container
        spacing={2}
        alignItems="center"
        style={{ marginBottom: 16 }}
      >
        <Grid item>
          <TextField
            id="approvals-search"
            label="Search name or purpose"
            value={text}
            onChange={e => setText(e.target.value)}
          />
        </Grid>
        <Grid item>
          {message && <Typography role="status">{message}</Typography>}
        </Grid>
      </Grid>
      {pending.error ? (
        <ResponseErrorPanel error={pending.error} />
      ) : (
        <>
          {/* Reloading keeps the rows in view; the first load is the table's own. */}
          {pending.loading && pending.value && <Progress />}
          <Table<RegistryEntry>
            title="Pending registrations"
            subtitle={
              pending.value &&
              countOf(pending.value.totalCount, 'entry', 'entries')
            }
            columns={columns}
            data={items}
            isLoading={pending.loading && !pending.value}
            emptyContent={text.trim() ? NO_MATCH : NOTHING_WAITS}
            options={{ ...listOptions(items.length), tableLayout: 'fixed' }}
          />
        </>
      )}
    </>
  );
}
