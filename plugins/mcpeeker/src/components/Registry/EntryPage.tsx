import { useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import {
  useApi,
  useApiHolder,
  useRouteRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef, EntityRefLink } from '@backstage/plugin-catalog-react';
import { usePermission } from '@backstage/plugin-permission-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Box from '@material-ui/core/Box';
import Typography from '@material-ui/core/Typography';
import {
  allowedCommands,
  MCPEEKER_ANNOTATIONS,
  mcpeekerAuditReadPermission,
  RegistryEntry,
  standingStatus,
} from '@mcpeeker/plugin-mcpeeker-common';
import { useNavigate, useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { EntryVerification, mcpeekerApiRef } from '../../api';
import {
  findingRouteRef,
  findingsRouteRef,
  registryRouteRef,
} from '../../routes';
import { ClassificationChip } from '../Findings/ClassificationChip';
import { IdText } from '../IdText';
import { LocalTime } from '../LocalTime';
import { MissingOrHidden } from '../MissingOrHidden';
import { usePageTitle } from '../PageTitle';
import { countOf } from '../TableParts';
import { AuditLogView } from './AuditLogView';
import { EntryActions, useOwns } from './EntryActions';
import { errorMessage, type RegisteredState } from './RegisterForm';
import { AcceptedRisksCard } from './RiskAcceptance';
import {
  ExpiryBadge,
  IdentityDetails,
  PinnedToolsSummary,
  StatusChip,
} from './EntryParts';

/** A command as a shell takes it: a word with a space or a quote quoted. */
const commandLine = (words: string[]) =>
  words
    .map(w => (/[\s'"]/.test(w) ? `'${w.replace(/'/g, `'\\''`)}'` : w))
    .join(' ');

/**
 * The exact command Claude Code's allowlist holds for an approved entry's
 * package (`mcpeeker-agent policy --deny-others`): every argument counts, so
 * its owner knows which command runs under enforcement. An entry not
 * approved is served to no allowlist.
 */
export function AllowedUnderEnforcement({ entry }: { entry: RegistryEntry }) {
  if (entry.status !== 'approved' && entry.status !== 'pending') return null;
  const { commands, withheld } = allowedCommands(entry);
  const once = entry.status === 'pending' ? ' once approved' : '';
  if (commands.length > 0)
    return (
      <Typography variant="body2" style={{ marginTop: 16 }}>
        Allowed under enforcement{once}:{' '}
        {commands.map((command, i) => (
          <span key={i}>
            {i > 0 && ', '}
            <code>{commandLine(command)}</code>
          </span>
        ))}
      </Typography>
    );
  if (withheld)
    return (
      <Typography variant="body2" style={{ marginTop: 16 }}>
        No exact command is allowed under enforcement: it runs with an argument
        the registry does not serve (a secret, or a value its user gives), and
        the allowlist matches every argument.
      </Typography>
    );
  return null;
}

/**
 * The catalog's MCPServer entity of a registry entry, when the catalog is in
 * the app and the viewer may read it.
 */
export function useEntityOfEntry(entryId: string | undefined) {
  const catalogApi = useApiHolder().get(catalogApiRef);
  const { value } = useAsync(async () => {
    if (!catalogApi || !entryId) return undefined;
    const { items } = await catalogApi.getEntities({
      filter: {
        kind: 'MCPServer',
        [`metadata.annotations.${MCPEEKER_ANNOTATIONS.registryEntryId}`]:
          entryId,
      },
      fields: ['kind', 'metadata.name', 'metadata.namespace', 'metadata.title'],
    });
    return items[0];
  }, [catalogApi, entryId]);
  return value;
}

/** A link to the Findings list searched for a server's name. */
export function useFindingsOfServerUrl():
  | ((name: string) => string)
  | undefined {
  const findingsUrl = useRouteRef(findingsRouteRef);
  return (
    findingsUrl &&
    ((name: string) => `${findingsUrl()}?${new URLSearchParams({ q: name })}`)
  );
}

/**
 * The server a registration's server became (see `EntryVerification`):
 * what it runs now and why the approval does not cover it, told to its
 * owner and the admins; its owner moves the registration to it here, back
 * to pending for an admin.
 */
export function ChangedServerNotice({
  entry,
  changed,
  owns,
  onUpdated,
}: {
  entry: RegistryEntry;
  changed: NonNullable<EntryVerification['changedServer']>;
  owns: boolean;
  onUpdated: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const findingUrl = useRouteRef(findingRouteRef);
  const [saving, setSaving] = useState(false);
  const [problem, setProblem] = useState<string>();
  const name = changed.finding.serverName ?? changed.finding.compositeId;
  const update = async () => {
    setSaving(true);
    setProblem(undefined);
    try {
      await api.updateEntryIdentity(entry.id, changed.finding.compositeId);
      onUpdated(
        `The registration now names the server ${name} runs now; it awaits an admin's approval again.`,
      );
    } catch (error) {
      setProblem(errorMessage(error));
      setSaving(false);
    }
  };
  return (
    <Box
      role="alert"
      border={1}
      borderColor="warning.main"
      borderRadius={4}
      padding={2}
      marginBottom={2}
    >
      <Typography variant="body2" paragraph>
        This registration no longer matches the server: its findings are no
        longer reported, and{' '}
        {findingUrl ? (
          <Link to={findingUrl({ id: changed.finding.compositeId })}>
            {name}
          </Link>
        ) : (
          name
        )}{' '}
        on the same host changed — {changed.words}. The registration does not
        cover it: it is scored as unregistered
        {entry.status === 'approved'
          ? ', and enforcement allows only the registered command'
          : ''}
        .
      </Typography>
      <Typography variant="body2">
        {owns
          ? 'Update the registration to this server: it goes back to the admins for approval, and the old server stops counting.'
          : `Its owner (${entry.owner}) can update the registration to this server on this page; an admin then approves it again.`}
      </Typography>
      {owns && (
        <Button
          variant="contained"
          color="primary"
          size="small"
          disabled={saving}
          onClick={update}
          style={{ marginTop: 8 }}
        >
          Update registration to this server
        </Button>
      )}
      {problem && (
        <Typography color="error" variant="body2" style={{ marginTop: 8 }}>
          {problem}
        </Typography>
      )}
    </Box>
  );
}

/** One of an entry's findings: its score, where, when last seen, and whether it is still reported. */
function EntryFindingLine({
  match,
}: {
  match: EntryVerification['matches'][number];
}) {
  const findingUrl = useRouteRef(findingRouteRef);
  const m = match;
  return (
    <Typography variant="body2" component="div" style={{ marginBottom: 4 }}>
      <ClassificationChip score={m.score} classification={m.classification} />{' '}
      {findingUrl ? (
        <Link to={findingUrl({ id: m.compositeId })}>
          {m.serverName ?? m.compositeId}
        </Link>
      ) : (
        m.serverName ?? m.compositeId
      )}{' '}
      on host{' '}
      {m.hostIdHash ? (
        <IdText id={m.hostIdHash} label="host id" shown={12} />
      ) : (
        'unknown'
      )}
      , last seen <LocalTime iso={m.lastSeen} />
      {m.noLongerReported && (
        <strong>
          {' '}
          — no longer reported since{' '}
          <LocalTime iso={m.noLongerReported.since} />
        </strong>
      )}
    </Typography>
  );
}

/** Its findings, as far as the viewer may see them (what `verify` answers), and the server it became. */
export function EntryFindings({
  entry,
  onUpdated,
}: {
  entry: RegistryEntry;
  onUpdated?: (message: string) => void;
}) {
  const api = useApi(mcpeekerApiRef);
  const findingsOf = useFindingsOfServerUrl();
  const owns = useOwns(entry);
  const { value, error } = useAsync(
    () => api.verifyEntry(entry.id),
    [api, entry.id],
  );
  if (error) return <Typography color="error">{error.message}</Typography>;
  if (!value) return <Progress />;
  const live = value.matches.filter(m => !m.noLongerReported).length;
  const gone = value.matches.length - live;
  return (
    <>
      {value.changedServer && (
        <ChangedServerNotice
          entry={entry}
          changed={value.changedServer}
          owns={owns}
          onUpdated={message => onUpdated?.(message)}
        />
      )}
      <Typography variant="body2" paragraph>
        {value.matches.length === 0
          ? 'Detection has not seen it (or none of its findings is yours to see).'
          : `${
              live > 0
                ? `Detection sees it: ${countOf(live, 'finding', 'findings')}`
                : 'Detection no longer sees it'
            }${
              gone > 0
                ? `; ${countOf(gone, 'finding', 'findings')} no longer reported`
                : ''
            }.`}
      </Typography>
      {value.matches.map(m => (
        <EntryFindingLine key={m.compositeId} match={m} />
      ))}
      {findingsOf && (
        <Link to={findingsOf(entry.name)}>
          Findings named {entry.name} in the Findings list
        </Link>
      )}
    </>
  );
}

/**
 * One registry entry: its details, status, pinned tools, findings, catalog
 * entity, history (analysts and admins) and what the viewer may do with it.
 */
export function EntryPage() {
  const { id = '' } = useParams();
  const api = useApi(mcpeekerApiRef);
  const navigate = useNavigate();
  const registryUrl = useRouteRef(registryRouteRef);
  const [message, setMessage] = useState<string>();
  const { allowed: mayReadAudit } = usePermission({
    permission: mcpeekerAuditReadPermission,
  });
  const {
    value: entry,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.getEntry(id), [api, id]);
  const entity = useEntityOfEntry(entry?.id);
  usePageTitle(entry?.name);

  if (loading && !entry) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!entry)
    return (
      <MissingOrHidden
        what="registry entry"
        back={registryUrl && { to: registryUrl(), label: '← Registry' }}
      />
    );
  return (
    <Grid container spacing={3}>
      {registryUrl && (
        <Grid item xs={12}>
          <Link to={registryUrl()}>← Registry</Link>
        </Grid>
      )}
      <Grid item xs={12} md={7}>
        <InfoCard
          title={entry.name}
          subheader={<StatusChip status={standingStatus(entry)} />}
        >
          <StructuredMetadataTable
            metadata={{
              Purpose: entry.purpose,
              Owner: entry.owner,
              Team: entry.team,
              'Registered by': (
                <>
                  {entry.createdBy} on <LocalTime iso={entry.createdAt} />
                </>
              ),
              ...(entry.decidedBy
                ? {
                    Decision: (
                      <>
                        {entry.status} by {entry.decidedBy}
                        {entry.decidedAt && (
                          <>
                            {' '}
                            on <LocalTime iso={entry.decidedAt} />
                          </>
                        )}
                        {entry.decisionReason && `: ${entry.decisionReason}`}
                      </>
                    ),
                  }
                : {}),
              Expires: <ExpiryBadge entry={entry} />,
              Identity: <IdentityDetails identity={entry.identity} />,
              Transport: entry.transport,
              'Catalog entity': entity ? (
                <EntityRefLink entityRef={entity} />
              ) : (
                'not in the catalog yet'
              ),
            }}
          />
          <AllowedUnderEnforcement entry={entry} />
          <div style={{ marginTop: 16 }}>
            <EntryActions
              entry={entry}
              onDone={done => {
                // The registry says what became of it, as after registering.
                if (done.removed && registryUrl)
                  navigate(registryUrl(), {
                    state: { removed: done.message } as RegisteredState,
                  });
                else {
                  setMessage(done.message);
                  retry();
                }
              }}
            />
          </div>
          {message && (
            <Typography role="status" style={{ marginTop: 16 }}>
              {message}
            </Typography>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard title="Pinned tools">
          <PinnedToolsSummary entry={entry} />
        </InfoCard>
        {(entry.acceptedRisks?.length ?? 0) > 0 && (
          <div style={{ marginTop: 24 }}>
            <AcceptedRisksCard
              entry={entry}
              onChanged={text => {
                setMessage(text);
                retry();
              }}
            />
          </div>
        )}
        <div style={{ marginTop: 24 }}>
          <InfoCard title="Findings">
            {/* Read again after a change: a revoked entry's findings were just rescored. */}
            <EntryFindings
              key={entry.updatedAt}
              entry={entry}
              onUpdated={text => {
                setMessage(text);
                retry();
              }}
            />
          </InfoCard>
        </div>
      </Grid>
      {mayReadAudit && (
        <Grid item xs={12}>
          {/* Read again after every change to the entry: its history just grew. */}
          <AuditLogView key={entry.updatedAt} entryId={entry.id} />
        </Grid>
      )}
    </Grid>
  );
}
