import {
  createApiRef,
  DiscoveryApi,
  FetchApi,
} from '@backstage/frontend-plugin-api';
import { ResponseError } from '@backstage/errors';
import type {
  ChangedServer,
  EntryFinding,
  AcceptRisk,
  AuditLogRow,
  AuditVerification,
  AgentEnrolment,
  AgentEnrolmentCreate,
  AnalyticsSummary,
  Classification,
  CreatedAgentEnrolment,
  EnrolledAgent,
  FeedbackCreate,
  FeedbackVerdict,
  Finding,
  FindingDetail,
  FindingFeedback,
  FindingRegistryStatus,
  HighRiskFilter,
  FindingTimeline,
  FindingTriage,
  HealthReport,
  HostEnforcementList,
  Layer,
  RegistryEntry,
  RegistryEntryCreate,
  RegistryEntryUpdate,
  RegistryRenewal,
  RegistryStatus,
  RiskKind,
  RiskSeverity,
  ScoreDistribution,
  Suppression,
  SuppressionCreate,
  TrendBucket,
  Trendlines,
  TriageStatus,
  TriageUpdate,
} from '@mcpeeker/plugin-mcpeeker-common';

/** @public */
export interface FindingListQuery {
  classification?: Classification[];
  layer?: Layer;
  /** `unavailable`: scored without the Judge (it did not answer yet); `judged`: the others. */
  judge?: 'unavailable' | 'judged';
  /** Where it stands with the registry; `tools-changed`: approved, but its tools changed since. */
  registry?: FindingRegistryStatus;
  minScore?: number;
  maxScore?: number;
  /** A risk of this severity or worse that counts (not accepted on its entry). */
  minRisk?: RiskSeverity;
  /** Last seen at or after this time (ISO 8601). */
  since?: string;
  /** Last seen at or before this time (ISO 8601). */
  until?: string;
  /** First seen at or after this time (ISO 8601). */
  firstSeenFrom?: string;
  /** First seen at or before this time (ISO 8601). */
  firstSeenTo?: string;
  /** With a detection starting at or after this time (ISO 8601)… */
  detectedFrom?: string;
  /** …and at or before this one. */
  detectedTo?: string;
  /** `unregistered`: not approved, and unauthorized or holding a high risk. */
  highRisk?: HighRiskFilter;
  q?: string;
  /** Exactly this server name. */
  serverName?: string;
  /** Triage status, any of these. */
  status?: TriageStatus[];
  /** Assigned to this user entity ref; `none`: to nobody. */
  assignee?: string;
  /** Latest feedback verdict, any of these; `none`: no feedback yet. */
  verdict?: Array<FeedbackVerdict | 'none'>;
  /** Findings no longer reported (removed or changed on their last scan): left out (`exclude`, the default), listed too (`include`), or alone (`only`). */
  gone?: 'exclude' | 'include' | 'only';
  /** Findings judged not an MCP server (`judgedNotMcp`): left out (`exclude`, the default), listed too (`include`), or alone (`only`). */
  notMcp?: 'exclude' | 'include' | 'only';
  /** Suppressed findings: left out (`exclude`, the default), listed too (`include`), or alone (`only`). */
  suppressed?: 'exclude' | 'include' | 'only';
  /** Only the findings this suppression hides (its id; with `suppressed: 'only'`). */
  suppression?: string;
  sort?: 'score' | 'lastSeen';
  limit?: number;
  cursor?: string;
}

/** One page of findings, as `GET /findings` answers. @public */
export interface FindingList {
  items: Finding[];
  /** Where the next page starts, when there is one. */
  nextCursor?: string;
  /** How many match, up to the backend's counting limit. */
  totalCount: number;
  /** More match than the backend counts. */
  totalCountCapped?: boolean;
}

/** What the MCPeeker pages ask the backend. @public */
export interface McpeekerApi {
  getHealth(): Promise<HealthReport>;
  listFindings(query: FindingListQuery): Promise<FindingList>;
  getFinding(id: string): Promise<FindingDetail>;
  listRegistry(query: RegistryListQuery): Promise<{
    items: RegistryEntry[];
    totalCount: number;
    nextCursor?: string;
  }>;
  /** One entry, if the viewer may read it (undefined when refused or absent). */
  getEntry(id: string): Promise<RegistryEntry | undefined>;
  register(entry: RegistryEntryCreate): Promise<RegistryEntry>;
  /** Registers a server from its official server.json (`POST /registry/import`). */
  importServerJson(input: RegistryImport): Promise<RegistryEntry>;
  updateEntry(id: string, change: RegistryEntryUpdate): Promise<RegistryEntry>;
  /** Renews an expired entry: an admin's renewal approves it, its owner's awaits an admin. */
  renewEntry(
    id: string,
    renewal: RegistryRenewal,
  ): Promise<RegistryEntry & { rescoredFindings: number }>;
  /** The owner takes back a pending registration. */
  withdrawEntry(id: string): Promise<void>;
  /**
   * Its owner moves a registration to the server it became (`changedServer`
   * of its verification): pending again, for an admin to approve.
   */
  updateEntryIdentity(
    id: string,
    fromFinding: string,
  ): Promise<RegistryEntry & { rescoredFindings: number }>;
  /** An admin removes an entry (its audit stays). */
  deleteEntry(id: string): Promise<void>;
  /** Registry and agent changes, newest first (analysts and admins). */
  listAudit(query?: {
    entry?: string;
    actor?: string;
    limit?: number;
  }): Promise<{ items: AuditRecord[] }>;
  /** Whether the audit chain is whole, as `GET /audit/verify` answers. */
  verifyAudit(): Promise<AuditVerification>;
  decide(
    id: string,
    decision: 'approve' | 'deny' | 'revoke',
    reason?: string,
  ): Promise<RegistryEntry & { rescoredFindings: number }>;
  verifyEntry(id: string): Promise<EntryVerification>;
  /** An admin accepts a kind of risk on an approved entry, with why: its findings stop counting it. */
  acceptRisk(
    id: string,
    risk: AcceptRisk,
  ): Promise<RegistryEntry & { rescoredFindings: number }>;
  /** An admin withdraws an accepted kind of risk: the entry's findings count it again. */
  withdrawRisk(
    id: string,
    kind: RiskKind,
  ): Promise<RegistryEntry & { rescoredFindings: number }>;
  getPreferences(): Promise<UserPreferences>;
  updatePreferences(patch: {
    findingAlerts: Partial<UserPreferences['findingAlerts']>;
  }): Promise<UserPreferences>;
  /** Enrolled agents, newest first (admins). */
  listAgents(query?: {
    host?: string;
    limit?: number;
  }): Promise<{ items: EnrolledAgent[] }>;
  revokeAgent(id: string): Promise<EnrolledAgent>;
  /**
   * Which hosts' MCP clients enforce the approved servers and which only
   * report (a developer's: their own hosts), newest report first.
   */
  listHosts(query?: {
    enforcing?: boolean;
    limit?: number;
  }): Promise<HostEnforcementList>;
  /** Enrolment secrets issued, newest first, never the secret (admins). */
  listEnrolments(query?: {
    limit?: number;
  }): Promise<{ items: AgentEnrolment[] }>;
  /** Issues an enrolment secret; the answer is the only place it is seen. */
  createEnrolment(input: AgentEnrolmentCreate): Promise<CreatedAgentEnrolment>;
  revokeEnrolment(id: string): Promise<AgentEnrolment>;
  /** The Dashboard's numbers (a developer's: of their own findings). */
  getAnalyticsSummary(): Promise<AnalyticsSummary>;
  getScoreDistribution(): Promise<ScoreDistribution>;
  /** Findings per classification per bucket between `since` and `until` (ISO 8601). */
  getTrendlines(query: {
    bucket: TrendBucket;
    since?: string;
    until?: string;
  }): Promise<Trendlines>;
  /** Every finding the filters select, as a file: its contents and the name the backend gives it. */
  exportFindings(
    query: FindingExportQuery,
    format: FindingExportFormat,
  ): Promise<{ blob: Blob; filename: string }>;
  /** Gives feedback on a finding; a false positive may suppress its pattern in the same request. */
  createFeedback(
    id: string,
    feedback: FeedbackCreate,
  ): Promise<FindingFeedback & { suppression?: Suppression }>;
  /** A finding's feedback, newest first (analysts and admins). */
  listFeedback(id: string): Promise<{ items: FindingFeedback[] }>;
  /** Changes a finding's triage status or assignee (`null` unassigns); answers its triage after. */
  updateTriage(id: string, change: TriageUpdate): Promise<FindingTriage>;
  /** A finding's story, oldest first. */
  getTimeline(id: string): Promise<FindingTimeline>;
  /** Suppressions, newest first; `active`: only those in force, or only lifted and expired ones. */
  listSuppressions(query?: {
    active?: boolean;
  }): Promise<{ items: Suppression[] }>;
  createSuppression(input: SuppressionCreate): Promise<Suppression>;
  /** An admin lifts a suppression: what it hid is listed again. */
  revokeSuppression(id: string, reason?: string): Promise<Suppression>;
}

/** What an export selects: the list's filters, not its paging or sort. @public */
export type FindingExportQuery = Omit<
  FindingListQuery,
  'sort' | 'limit' | 'cursor'
>;

/** @public */
export type FindingExportFormat = 'json' | 'csv' | 'sarif';

/** The query parameters of the list's filters, as `GET /findings` and its export read them. */
function findingFilterParams(query: FindingExportQuery): URLSearchParams {
  const params = new URLSearchParams();
  if (query.classification?.length)
    params.set('classification', query.classification.join(','));
  if (query.layer) params.set('layer', query.layer);
  if (query.judge) params.set('judge', query.judge);
  if (query.registry) params.set('registry', query.registry);
  if (query.minScore !== undefined)
    params.set('minScore', String(query.minScore));
  if (query.maxScore !== undefined)
    params.set('maxScore', String(query.maxScore));
  if (query.minRisk) params.set('minRisk', query.minRisk);
  if (query.since) params.set('since', query.since);
  if (query.until) params.set('until', query.until);
  for (const key of [
    'firstSeenFrom',
    'firstSeenTo',
    'detectedFrom',
    'detectedTo',
    'highRisk',
  ] as const) {
    const value = query[key];
    if (value) params.set(key, value);
  }
  if (query.q) params.set('q', query.q);
  if (query.serverName) params.set('serverName', query.serverName);
  if (query.status?.length) params.set('status', query.status.join(','));
  if (query.assignee) params.set('assignee', query.assignee);
  if (query.verdict?.length) params.set('verdict', query.verdict.join(','));
  if (query.gone && query.gone !== 'exclude') params.set('gone', query.gone);
  if (query.notMcp && query.notMcp !== 'exclude')
    params.set('notMcp', query.notMcp);
  if (query.suppressed && query.suppressed !== 'exclude')
    params.set('suppressed', query.suppressed);
  if (query.suppression) params.set('suppression', query.suppression);
  return params;
}

/** The file name a `Content-Disposition` header gives, if it gives one. */
export function filenameOf(disposition: string | null): string | undefined {
  const match = disposition?.match(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i);
  return match ? decodeURIComponent(match[1]) : undefined;
}

/** Whether detection sees what a registry entry describes, as `POST /registry/:id/verify` answers. @public */
export interface EntryVerification {
  entryId: string;
  detected: boolean;
  matches: Array<
    EntryFinding & {
      /** The finding is no longer reported: its server was removed or changed. */
      noLongerReported?: { since: string; missingFrom?: string };
    }
  >;
  /**
   * The server it became, when its findings are no longer reported and the
   * same config entry now runs another command the registration does not
   * cover (a pinned version, other arguments).
   */
  changedServer?: ChangedServer<EntryVerification['matches'][number]>;
}

/** One row of the audit log. @public */
export type AuditRecord = AuditLogRow;

/** Importing an official server.json, with what the registry needs besides. @public */
export interface RegistryImport {
  serverJson: unknown;
  team: string;
  purpose?: string;
  expiresAt: string;
}

/** A person's MCPeeker preferences. @public */
export interface UserPreferences {
  findingAlerts: { enabled: boolean; minScore: number };
}

/** @public */
export interface RegistryListQuery {
  status?: RegistryStatus[];
  owner?: string;
  q?: string;
  /** Entries that stand for this finding (`entryStandsFor`: its composite id; a fleet-wide entry by `serverName`). */
  finding?: string;
  serverName?: string;
  /** With `finding`: instead the entries that registered its server before it changed. */
  changed?: boolean;
  limit?: number;
  /** The `nextCursor` of the page before. */
  cursor?: string;
}

/** @public */
export const mcpeekerApiRef = createApiRef<McpeekerApi>({
  id: 'plugin.mcpeeker.client',
});

/** Talks to the MCPeeker backend plugin at `/api/mcpeeker`. @public */
export class McpeekerClient implements McpeekerApi {
  constructor(
    private readonly options: {
      discoveryApi: DiscoveryApi;
      fetchApi: FetchApi;
    },
  ) {}

  async getHealth(): Promise<HealthReport> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('mcpeeker');
    const response = await this.options.fetchApi.fetch(`${baseUrl}/health`);
    // 503 still carries a report: the database is down and it says so.
    if (!response.ok && response.status !== 503) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as HealthReport;
  }

  private async get<T>(path: string): Promise<T> {
    return this.send<T>('GET', path);
  }

  private async send<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('mcpeeker');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body !== undefined
        ? {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }
        : {}),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return (await response.json()) as T;
  }

  /** A change the backend answers with 204 No Content. */
  private async sendNoContent(method: string, path: string, body?: unknown) {
    const baseUrl = await this.options.discoveryApi.getBaseUrl('mcpeeker');
    const response = await this.options.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      ...(body !== undefined
        ? {
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(body),
          }
        : {}),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
  }

  listFindings(query: FindingListQuery) {
    const params = findingFilterParams(query);
    if (query.sort) params.set('sort', query.sort);
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.get<FindingList>(`/findings?${params}`);
  }

  getFinding(id: string) {
    return this.get<FindingDetail>(`/findings/${encodeURIComponent(id)}`);
  }

  listRegistry(query: RegistryListQuery) {
    const params = new URLSearchParams();
    if (query.status?.length) params.set('status', query.status.join(','));
    if (query.owner) params.set('owner', query.owner);
    if (query.q) params.set('q', query.q);
    if (query.finding) params.set('finding', query.finding);
    if (query.serverName) params.set('serverName', query.serverName);
    if (query.changed) params.set('changed', 'true');
    if (query.limit) params.set('limit', String(query.limit));
    if (query.cursor) params.set('cursor', query.cursor);
    return this.get<{
      items: RegistryEntry[];
      totalCount: number;
      nextCursor?: string;
    }>(`/registry?${params}`);
  }

  async getEntry(id: string) {
    try {
      return await this.get<RegistryEntry>(
        `/registry/${encodeURIComponent(id)}`,
      );
    } catch (error) {
      // Someone else's entry is as absent to a developer as a missing one.
      if (
        error instanceof ResponseError &&
        [403, 404].includes(error.response.status)
      )
        return undefined;
      throw error;
    }
  }

  register(entry: RegistryEntryCreate) {
    return this.send<RegistryEntry>('POST', '/registry', entry);
  }

  importServerJson(input: RegistryImport) {
    return this.send<RegistryEntry>('POST', '/registry/import', input);
  }

  updateEntry(id: string, change: RegistryEntryUpdate) {
    return this.send<RegistryEntry>(
      'PATCH',
      `/registry/${encodeURIComponent(id)}`,
      change,
    );
  }

  renewEntry(id: string, renewal: RegistryRenewal) {
    return this.send<RegistryEntry & { rescoredFindings: number }>(
      'POST',
      `/registry/${encodeURIComponent(id)}/renew`,
      renewal,
    );
  }

  updateEntryIdentity(id: string, fromFinding: string) {
    return this.send<RegistryEntry & { rescoredFindings: number }>(
      'POST',
      `/registry/${encodeURIComponent(id)}/identity`,
      { fromFinding },
    );
  }

  async withdrawEntry(id: string) {
    await this.sendNoContent(
      'POST',
      `/registry/${encodeURIComponent(id)}/withdraw`,
      {},
    );
  }

  async deleteEntry(id: string) {
    await this.sendNoContent('DELETE', `/registry/${encodeURIComponent(id)}`);
  }

  listAudit(query: { entry?: string; actor?: string; limit?: number } = {}) {
    const params = new URLSearchParams();
    if (query.entry) params.set('entry', query.entry);
    if (query.actor) params.set('actor', query.actor);
    if (query.limit) params.set('limit', String(query.limit));
    return this.get<{ items: AuditRecord[] }>(`/audit?${params}`);
  }

  verifyAudit() {
    return this.get<AuditVerification>('/audit/verify');
  }

  getPreferences() {
    return this.get<UserPreferences>('/users/me/preferences');
  }

  verifyEntry(id: string) {
    return this.send<EntryVerification>(
      'POST',
      `/registry/${encodeURIComponent(id)}/verify`,
    );
  }

  updatePreferences(patch: {
    findingAlerts: Partial<UserPreferences['findingAlerts']>;
  }) {
    return this.send<UserPreferences>('PATCH', '/users/me/preferences', patch);
  }

  decide(id: string, decision: 'approve' | 'deny' | 'revoke', reason?: string) {
    return this.send<RegistryEntry & { rescoredFindings: number }>(
      'POST',
      `/registry/${encodeURIComponent(id)}/${decision}`,
      reason ? { reason } : {},
    );
  }

  acceptRisk(id: string, risk: AcceptRisk) {
    return this.send<RegistryEntry & { rescoredFindings: number }>(
      'POST',
      `/registry/${encodeURIComponent(id)}/accept-risk`,
      risk,
    );
  }

  withdrawRisk(id: string, kind: RiskKind) {
    return this.send<RegistryEntry & { rescoredFindings: number }>(
      'DELETE',
      `/registry/${encodeURIComponent(id)}/accept-risk/${encodeURIComponent(
        kind,
      )}`,
    );
  }

  listAgents(query: { host?: string; limit?: number } = {}) {
    const params = new URLSearchParams();
    if (query.host) params.set('host', query.host);
    if (query.limit) params.set('limit', String(query.limit));
    return this.get<{ items: EnrolledAgent[] }>(`/agents?${params}`);
  }

  listHosts(query: { enforcing?: boolean; limit?: number } = {}) {
    const params = new URLSearchParams();
    if (query.enforcing !== undefined)
      params.set('enforcing', String(query.enforcing));
    if (query.limit) params.set('limit', String(query.limit));
    return this.get<HostEnforcementList>(`/hosts?${params}`);
  }

  revokeAgent(id: string) {
    return this.send<EnrolledAgent>(
      'POST',
      `/agents/${encodeURIComponent(id)}/revoke`,
    );
  }

  listEnrolments(query: { limit?: number } = {}) {
    const params = new URLSearchParams();
    if (query.limit) params.set('limit', String(query.limit));
    return this.get<{ items: AgentEnrolment[] }>(
      `/agents/enrolments?${params}`,
    );
  }

  createEnrolment(input: AgentEnrolmentCreate) {
    return this.send<CreatedAgentEnrolment>(
      'POST',
      '/agents/enrolments',
      input,
    );
  }

  revokeEnrolment(id: string) {
    return this.send<AgentEnrolment>(
      'POST',
      `/agents/enrolments/${encodeURIComponent(id)}/revoke`,
    );
  }

  getAnalyticsSummary() {
    return this.get<AnalyticsSummary>('/analytics/summary');
  }

  getScoreDistribution() {
    return this.get<ScoreDistribution>('/analytics/score-distribution');
  }

  getTrendlines(query: {
    bucket: TrendBucket;
    since?: string;
    until?: string;
  }) {
    const params = new URLSearchParams({ bucket: query.bucket });
    if (query.since) params.set('since', query.since);
    if (query.until) params.set('until', query.until);
    return this.get<Trendlines>(`/analytics/trendlines?${params}`);
  }

  async exportFindings(query: FindingExportQuery, format: FindingExportFormat) {
    const params = findingFilterParams(query);
    params.set('format', format);
    const baseUrl = await this.options.discoveryApi.getBaseUrl('mcpeeker');
    // Through fetchApi, which carries the person's token: a plain link would not.
    const response = await this.options.fetchApi.fetch(
      `${baseUrl}/findings/export?${params}`,
    );
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return {
      blob: await response.blob(),
      // The backend's name, as the browser may read it (a cross-origin
      // backend exposes the header: app-config's backend.cors.exposedHeaders).
      filename:
        filenameOf(response.headers.get('content-disposition')) ??
        `mcpeeker-findings-${new Date().toISOString().slice(0, 10)}.${format}`,
    };
  }

  createFeedback(id: string, feedback: FeedbackCreate) {
    return this.send<FindingFeedback & { suppression?: Suppression }>(
      'POST',
      `/findings/${encodeURIComponent(id)}/feedback`,
      feedback,
    );
  }

  listFeedback(id: string) {
    return this.get<{ items: FindingFeedback[] }>(
      `/findings/${encodeURIComponent(id)}/feedback`,
    );
  }

  updateTriage(id: string, change: TriageUpdate) {
    return this.send<FindingTriage>(
      'PATCH',
      `/findings/${encodeURIComponent(id)}/triage`,
      change,
    );
  }

  getTimeline(id: string) {
    return this.get<FindingTimeline>(
      `/findings/${encodeURIComponent(id)}/timeline`,
    );
  }

  listSuppressions(query: { active?: boolean } = {}) {
    const params = new URLSearchParams();
    if (query.active !== undefined) params.set('active', String(query.active));
    return this.get<{ items: Suppression[] }>(`/suppressions?${params}`);
  }

  createSuppression(input: SuppressionCreate) {
    return this.send<Suppression>('POST', '/suppressions', input);
  }

  revokeSuppression(id: string, reason?: string) {
    return this.send<Suppression>(
      'DELETE',
      `/suppressions/${encodeURIComponent(id)}`,
      reason ? { reason } : {},
    );
  }
}
