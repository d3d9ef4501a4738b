import { useState } from 'react';
import {
  InfoCard,
  Link,
  Progress,
  ResponseErrorPanel,
  StructuredMetadataTable,
} from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/frontend-plugin-api';
import { registerRouteRef, rootRouteRef } from '../../routes';
import Button from '@material-ui/core/Button';
import Chip from '@material-ui/core/Chip';
import { Link as RouterLink } from 'react-router-dom';
import Grid from '@material-ui/core/Grid';
import Tab from '@material-ui/core/Tab';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import { useParams } from 'react-router-dom';
import useAsync from 'react-use/esm/useAsync';
import type { McpEvent } from '@mcpeeker/plugin-mcpeeker-common';
import { mcpeekerApiRef } from '../../api';
import { ClassificationChip } from './ClassificationChip';

const LAYERS = ['endpoint', 'network', 'gateway'] as const;

function describeEvent(event: McpEvent): string {
  if (event.layer === 'endpoint') {
    const d = event.detection;
    switch (d.source) {
      case 'config':
        return `${d.client} config (${d.scope}) declares '${d.serverName}': ${
          d.command !== undefined
            ? [d.command, ...(d.args ?? [])].join(' ')
            : d.url
        } — ${d.configPath}`;
      case 'process':
        return `running process ${d.pid}: ${[d.command, ...d.args].join(' ')}${
          d.parentClient ? `, started by ${d.parentClient}` : ''
        }`;
      case 'port':
        return `port ${d.port} answered the MCP handshake as ${
          d.serverInfo.name
        } ${d.serverInfo.version ?? ''} (${d.tools.length} tools) at ${d.url}`;
      default:
        return `${d.manifestKind} of '${d.serverName}' being built at ${d.manifestPath}`;
    }
  }
  if (event.layer === 'network') {
    return `${event.mcp.method ?? 'MCP'} over ${event.flow.transport} to port ${
      event.flow.dstPort
    }${
      event.signature
        ? `, signature ${event.signature.id} ${event.signature.name}`
        : ''
    }`;
  }
  return `gateway request ${
    event.request.requestId
  } with tools ${event.request.toolNames.join(', ')}${
    event.judge
      ? `; Judge: ${event.judge.verdict} — ${event.judge.explanation}`
      : '; Judge unavailable'
  }`;
}

/** One finding: why it scored what it scored, and the evidence per layer. */
export function FindingDetail() {
  const { id = '' } = useParams();
  const findingsUrl = useRouteRef(rootRouteRef);
  const registerUrl = useRouteRef(registerRouteRef);
  const api = useApi(mcpeekerApiRef);
  const [tab, setTab] = useState(0);
  const { value, loading, error } = useAsync(
    () => api.getFinding(id),
    [api, id],
  );

  if (loading) return <Progress />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  const layer = LAYERS[tab];
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Link to={findingsUrl?.() ?? '/mcpeeker'}>← All findings</Link>
      </Grid>
      <Grid item xs={12} md={5}>
        <InfoCard
          title={value.serverName ?? value.compositeId}
          subheader={
            <ClassificationChip
              score={value.score}
              classification={value.classification}
            />
          }
        >
          <StructuredMetadataTable
            metadata={{
              'Composite id': value.compositeId,
              Owner: value.owner ?? 'unknown',
              Host: value.hostIdHash ?? 'unknown',
              Registry: value.registryStatus,
              Judge: value.judgeUnavailable
                ? 'unavailable: scored without it'
                : 'ok',
              'First seen': new Date(value.firstSeen).toLocaleString(),
              'Last seen': new Date(value.lastSeen).toLocaleString(),
            }}
          />
          {value.registryStatus === 'unregistered' && (
            <Button
              variant="outlined"
              color="primary"
              component={RouterLink}
              to={`${registerUrl?.() ?? ''}?finding=${encodeURIComponent(
                value.compositeId,
              )}`}
              style={{ marginTop: 16 }}
            >
              Register this server
            </Button>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <InfoCard title="Why this score">
          <Table size="small" aria-label="Score breakdown">
            <TableHead>
              <TableRow>
                <TableCell>Layer</TableCell>
                <TableCell align="right">Points</TableCell>
                <TableCell>Reason</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {value.breakdown.contributions.map((c, i) => (
                <TableRow key={i} data-testid={`contribution-${c.layer}`}>
                  <TableCell>{c.layer}</TableCell>
                  <TableCell align="right">
                    {c.points > 0 ? `+${c.points}` : c.points}
                  </TableCell>
                  <TableCell>{c.reason}</TableCell>
                </TableRow>
              ))}
              <TableRow data-testid="score-total">
                <TableCell>
                  <strong>Total</strong>
                </TableCell>
                <TableCell align="right">
                  <strong>{value.score}</strong>
                </TableCell>
                <TableCell>
                  {value.classification} (authorized ≤ 4, suspect 5–8,
                  unauthorized ≥ 9)
                </TableCell>
              </TableRow>
            </TableBody>
          </Table>
          {(value.breakdown.rules ?? []).length > 0 && (
            <>
              <Typography variant="subtitle2" style={{ marginTop: 16 }}>
                Rules that fired
              </Typography>
              {value.breakdown.rules!.map(r => (
                <Typography
                  key={r.id}
                  variant="body2"
                  data-testid={`rule-${r.id}`}
                >
                  {r.reason}
                </Typography>
              ))}
              <div style={{ marginTop: 8 }}>
                {(value.breakdown.tags ?? []).map(t => (
                  <Chip
                    key={t}
                    size="small"
                    label={t}
                    style={{ marginRight: 4 }}
                  />
                ))}
              </div>
            </>
          )}
        </InfoCard>
      </Grid>
      <Grid item xs={12}>
        <InfoCard title="Evidence">
          <Tabs
            value={tab}
            onChange={(_e, v) => setTab(v)}
            indicatorColor="primary"
          >
            {LAYERS.map(l => (
              <Tab key={l} label={`${l} (${value.evidence[l].length})`} />
            ))}
          </Tabs>
          {value.evidence[layer].length === 0 ? (
            <Typography variant="body2" style={{ padding: 16 }}>
              Nothing from the {layer} layer.
            </Typography>
          ) : (
            <Table size="small" aria-label={`${layer} evidence`}>
              <TableBody>
                {value.evidence[layer].map(event => (
                  <TableRow key={event.eventId}>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>
                      {new Date(event.observedAt).toLocaleString()}
                    </TableCell>
                    <TableCell>
                      <Typography variant="body2">
                        {describeEvent(event)}
                      </Typography>
                      {event.evidence.map((e, i) => (
                        <Typography
                          key={i}
                          variant="caption"
                          component="div"
                          color="textSecondary"
                        >
                          {e.kind}: {e.snippet}
                        </Typography>
                      ))}
                    </TableCell>
                    <TableCell>{event.sensor.kind}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
