import { useMemo, useState } from 'react';
import {
  Progress,
  ResponseErrorPanel,
  Table,
  TableColumn,
} from '@backstage/core-components';
import {
  identityApiRef,
  useApi,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Switch from '@material-ui/core/Switch';
import TextField from '@material-ui/core/TextField';
import {
  REGISTRY_STATUSES,
  RegistryEntry,
  RegistryStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { Link as RouterLink, useSearchParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import { mcpeekerApiRef } from '../../api';
import { registerRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import {
  countOf,
  EmptyRows,
  listOptions,
  oneLine,
  wholeWords,
} from '../TableParts';
import { ExpiryBadge, PinnedToolsSummary, StatusChip } from './EntryParts';
import { errorMessage } from './RegisterForm';

/** Asks the backend whether detection sees what an entry describes. */
function CheckDetection({ entryId }: { entryId: string }) {
  const api = useApi(mcpeekerApiRef);
  const [result, setResult] = useState<string>();
  const check = async () => {
    try {
      const { matches } = await api.verifyEntry(entryId);
      setResult(
        matches.length === 0
          ? 'not detected'
          : `detected: ${matches.length} finding(s), highest score ${Math.max(
              ...matches.map(m => m.score),
            )}`,
      );
    } catch (error) {
      setResult(errorMessage(error));
    }
  };
  return result ? (
    <span data-testid="detection-result">{result}</span>
  ) : (
    <Button size="small" onClick={check}>
      Check
    </Button>
  );
}

const NO_ENTRIES = (
  <EmptyRows title="No registry entries">
    Register the MCP servers you use so that they are recognised, and approved,
    instead of flagged.
  </EmptyRows>
);

function registryColumns(me: string | undefined): TableColumn<RegistryEntry>[] {
  return [
    { title: 'Name', field: 'name', cellStyle: wholeWords },
    {
      title: 'Status',
      field: 'status',
      cellStyle: oneLine,
      render: entry => <StatusChip status={entry.status} />,
    },
    {
      title: 'Owner',
      field: 'owner',
      cellStyle: wholeWords,
      render: entry =>
        entry.owner === me ? `${entry.owner} (you)` : entry.owner,
    },
    { title: 'Team', field: 'team', cellStyle: wholeWords },
    { title: 'Purpose', field: 'purpose' },
    {
      title: 'Expires',
      field: 'expiresAt',
      cellStyle: oneLine,
      render: entry => <ExpiryBadge entry={entry} />,
    },
    {
      title: 'Pinned tools',
      sorting: false,
      render: entry => <PinnedToolsSummary entry={entry} />,
    },
    {
      title: 'Detection',
      sorting: false,
      cellStyle: oneLine,
      render: entry => <CheckDetection entryId={entry.id} />,
    },
  ];
}

/**
 * The registry: entries with status, owner, team and expiry (orange within
 * 14 days). "My MCPs only" is a developer's My MCPs view; developers only ever get
 * their own entries from the backend anyway.
 */
export function RegistryPage() {
  const api = useApi(mcpeekerApiRef);
  const identityApi = useApi(identityApiRef);
  const registerUrl = useRouteRef(registerRouteRef);
  const [status, setStatus] = useState<RegistryStatus | ''>('');
  const [mine, setMine] = useState(false);
  // A finding links to its entry by name (`?q=`).
  const [params] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const { value, loading, error } = useAsync(async () => {
    const { userEntityRef } = await identityApi.getBackstageIdentity();
    return {
      me: userEntityRef,
      page: await api.listRegistry({
        status: status ? [status] : undefined,
        owner: mine ? userEntityRef : undefined,
        q: text || undefined,
        limit: 200,
      }),
    };
  }, [api, identityApi, status, mine, text]);
  const columns = useMemo(() => registryColumns(value?.me), [value?.me]);

  return (
    <>
      <Grid
        container
        spacing={2}
        alignItems="center"
        style={{ marginBottom: 16 }}
      >
        <FilterSelect
          label="Status"
          value={status}
          onChange={setStatus}
          options={[
            ['', 'Any'],
            ...REGISTRY_STATUSES.map(s => [s, s] as const),
          ]}
        />
        <Grid item>
          <FormControlLabel
            control={
              <Switch
                checked={mine}
                onChange={e => setMine(e.target.checked)}
                inputProps={{ 'aria-label': 'My MCPs only' }}
              />
            }
            label="My MCPs only"
          />
        </Grid>
        <Grid item>
          <TextField
            id="registry-search"
            label="Search name or purpose"
            value={text}
            onChange={e => setText(e.target.value)}
          />
        </Grid>
        <Grid item style={{ flex: 1 }} />
        {registerUrl && (
          <Grid item>
            <Button
              variant="contained"
              color="primary"
              component={RouterLink}
              to={registerUrl()}
            >
              Register a server
            </Button>
          </Grid>
        )}
      </Grid>
      {error ? (
        <ResponseErrorPanel error={error} />
      ) : (
        <>
          {/* Reloading keeps the rows in view; the first load is the table's own. */}
          {loading && value && <Progress />}
          <Table<RegistryEntry>
            title="Registry entries"
            subtitle={
              value && countOf(value.page.totalCount, 'entry', 'entries')
            }
            columns={columns}
            data={value?.page.items ?? []}
            isLoading={loading && !value}
            emptyContent={NO_ENTRIES}
            options={listOptions(value?.page.items.length ?? 0)}
          />
        </>
      )}
    </>
  );
}
