import { useEffect, useMemo, useRef, useState } from 'react';
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
import { Link } from '@backstage/core-components';
import { usePermission } from '@backstage/plugin-permission-react';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Switch from '@material-ui/core/Switch';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import {
  mcpeekerAuditReadPermission,
  REGISTRY_STATUSES,
  RegistryEntry,
  RegistryStatus,
  standingStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  Link as RouterLink,
  useLocation,
  useNavigate,
  useSearchParams,
} from 'react-router-dom';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { mcpeekerApiRef } from '../../api';
import { registerRouteRef } from '../../routes';
import { FilterSelect } from '../FilterSelect';
import {
  countOf,
  CutText,
  EmptyRows,
  listOptions,
  oneLine,
} from '../TableParts';
import { AuditLogView } from './AuditLogView';
import { REGISTRY_CHANGED_EVENT } from './EntryActions';
import {
  EntryLink,
  ExpiryBadge,
  PinnedToolsCount,
  PurposeText,
  STATUS_WORDS,
  StatusChip,
  useEntryUrl,
} from './EntryParts';
import { ImportServerJson } from './ImportServerJson';
import { errorMessage, RegisteredState } from './RegisterForm';

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
          : `detected: ${countOf(
              matches.length,
              'finding',
              'findings',
            )}, highest score ${Math.max(...matches.map(m => m.score))}`,
      );
    } catch (error) {
      setResult(errorMessage(error));
    }
  };
  return result ? (
    <span data-testid="detection-result">{result}</span>
  ) : (
    <Button size="small" onClick={check} aria-label="Check detection">
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

/**
 * The tools pinned on an entry, under its name: how many (names, when and
 * by whom in the title), or that none are yet.
 */
function PinnedToolsLine({ entry }: { entry: RegistryEntry }) {
  return entry.pinnedTools ? (
    <PinnedToolsCount entry={entry} />
  ) : (
    <Typography
      variant="caption"
      color="textSecondary"
      component="div"
      noWrap
      title="Pinned on approval, or the first set seen after."
    >
      No tools pinned yet
    </Typography>
  );
}

/**
 * The columns, fixed in width so that the table fits the page from 1280 px
 * up (its content is 1008 px wide there): the pinned tools go under the
 * entry's name, the expiry under its status, the team under the owner; a
 * long value stays on one line, cut with an ellipsis and whole in its title.
 * At 1280 px: Server 220, Status / expires 176, Owner / team 180,
 * Purpose 322, Detection 110.
 */
function registryColumns(
  me: () => string | undefined,
): TableColumn<RegistryEntry>[] {
  return [
    {
      title: 'Server',
      field: 'name',
      width: '220px',
      render: entry => (
        <>
          <CutText title={entry.name}>
            <EntryLink entry={entry} />
          </CutText>
          <PinnedToolsLine entry={entry} />
        </>
      ),
    },
    {
      // Sorted by expiry: the status has a filter of its own above.
      title: 'Status / expires',
      field: 'expiresAt',
      width: '176px',
      cellStyle: oneLine,
      render: entry => (
        <>
          <StatusChip status={standingStatus(entry)} />
          <Box marginTop={0.5}>
            <ExpiryBadge entry={entry} />
          </Box>
        </>
      ),
    },
    {
      title: 'Owner / team',
      field: 'owner',
      width: '180px',
      render: entry => (
        <>
          <CutText
            title={entry.owner === me() ? `${entry.owner} (you)` : entry.owner}
          />
          <CutText secondary title={entry.team} />
        </>
      ),
    },
    {
      title: 'Purpose',
      field: 'purpose',
      render: entry => <PurposeText purpose={entry.purpose} />,
    },
    {
      title: 'Detection',
      sorting: false,
      width: '110px',
      render: entry => <CheckDetection entryId={entry.id} />,
    },
  ];
}

/** Said after a registration or an import: it waits for approval, with a link to it. */
function Registered({
  entry,
  onClose,
}: {
  entry: { id: string; name: string };
  onClose: () => void;
}) {
  const entryUrl = useEntryUrl();
  return (
    <Paper
      role="status"
      variant="outlined"
      style={{ padding: 12, marginBottom: 16, borderColor: '#2e7d32' }}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="body2" style={{ flex: 1 }}>
          Registered {entry.name}: it is {STATUS_WORDS.pending} by an admin.{' '}
          {entryUrl && <Link to={entryUrl(entry.id)}>Open the entry</Link>}
        </Typography>
        <Button size="small" onClick={onClose} aria-label="Dismiss">
          Dismiss
        </Button>
      </Box>
    </Paper>
  );
}

/** Said after an entry was taken away on its page: what became of it. */
function Removed({
  message,
  onClose,
}: {
  message: string;
  onClose: () => void;
}) {
  return (
    <Paper
      role="status"
      variant="outlined"
      style={{ padding: 12, marginBottom: 16, borderColor: '#2e7d32' }}
    >
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <Typography variant="body2" style={{ flex: 1 }}>
          {message}
        </Typography>
        <Button size="small" onClick={onClose} aria-label="Dismiss">
          Dismiss
        </Button>
      </Box>
    </Paper>
  );
}

/**
 * The registry: entries with status, owner, team and expiry (orange within
 * 14 days). "My MCPs only" is a developer's My MCPs view; developers only ever get
 * their own entries from the backend anyway. Analysts and admins also read
 * the audit log here (`?view=audit`).
 */
export function RegistryPage() {
  const api = useApi(mcpeekerApiRef);
  const identityApi = useApi(identityApiRef);
  const registerUrl = useRouteRef(registerRouteRef);
  const navigate = useNavigate();
  const location = useLocation();
  const [status, setStatus] = useState<RegistryStatus | ''>('');
  const [mine, setMine] = useState(false);
  // A link may search by name (`?q=`) or open the audit log (`?view=audit`).
  const [params, setParams] = useSearchParams();
  const [text, setText] = useState(params.get('q') ?? '');
  const { allowed: mayReadAudit } = usePermission({
    permission: mcpeekerAuditReadPermission,
  });
  const view = mayReadAudit && params.get('view') === 'audit' ? 1 : 0;
  // What the registration form left for this page to say, said once.
  const [registered, setRegistered] = useState(
    (location.state as RegisteredState | null)?.registered,
  );
  const [removed, setRemoved] = useState(
    (location.state as RegisteredState | null)?.removed,
  );
  useEffect(() => {
    const state = location.state as RegisteredState | null;
    if (state?.registered || state?.removed)
      navigate(`${location.pathname}${location.search}`, { replace: true });
  }, [location, navigate]);
  const { value, loading, error, retry } = useAsyncRetry(async () => {
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
  useEffect(() => {
    window.addEventListener(REGISTRY_CHANGED_EVENT, retry);
    return () => window.removeEventListener(REGISTRY_CHANGED_EVENT, retry);
  }, [retry]);
  // Columns made once (the table would reset its state on new ones); who
  // "you" is, is read as each row renders.
  const me = useRef<string>();
  me.current = value?.me;
  const columns = useMemo(() => registryColumns(() => me.current), []);

  return (
    <>
      {mayReadAudit && (
        <Tabs
          value={view}
          onChange={(_e, v) => {
            const next = new URLSearchParams(params);
            if (v === 1) next.set('view', 'audit');
            else next.delete('view');
            setParams(next);
          }}
          indicatorColor="primary"
          style={{ marginBottom: 16 }}
        >
          <Tab label="Entries" />
          <Tab label="Audit log" />
        </Tabs>
      )}
      {view === 1 ? (
        <AuditLogView />
      ) : (
        <>
          {registered && (
            <Registered
              entry={registered}
              onClose={() => setRegistered(undefined)}
            />
          )}
          {removed && (
            <Removed message={removed} onClose={() => setRemoved(undefined)} />
          )}
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
                ...REGISTRY_STATUSES.map(s => [s, STATUS_WORDS[s]] as const),
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
            <Grid item>
              <ImportServerJson
                onImported={entry =>
                  setRegistered({ id: entry.id, name: entry.name })
                }
              />
            </Grid>
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
                options={{
                  ...listOptions(value?.page.items.length ?? 0),
                  tableLayout: 'fixed',
                }}
              />
            </>
          )}
        </>
      )}
    </>
  );
}
