import { createHash } from 'node:crypto';
import {
  AcceptedRisk,
  canonicalJson,
  commandSignature,
  compositeId,
  Finding,
  FindingRiskFact,
  FindingTriage,
  Layer,
  MAX_RISK_FACTS,
  McpEvent,
  NoLongerReported,
  RISK_KIND_IDS,
  RISK_SEVERITY_RANK,
  RiskFact,
  serverNameFromCommand,
  ToolRef,
  ToolSetChange,
  toolSet,
  UNTRIAGED,
} from '@mcpeeker/plugin-mcpeeker-common';
import {
  ScoreBreakdown,
  scoreFinding,
  ScoringWeights,
  Signals,
} from './scoring';
import type { RuleHit } from './rules';

export type { Finding } from '@mcpeeker/plugin-mcpeeker-common';

/**
 * The one correlation step. Every store builds findings with these pure
 * functions and nothing else:
 *
 *   event ─toFindingUpdate─► update ─totalsOf─► totals ─mergeTotals─► totals
 *                                                         ─describe+finish─► finding
 *
 * `mergeTotals` is commutative, associative and (for the same events)
 * idempotent, and every choice among values (name, owner, verdict) is a
 * maximum under a total order: so a finding depends on its set of events
 * only — not on the order, batch, replica or engine they came by.
 */

/** What one event tells about its finding. */
export interface FindingUpdate {
  compositeId: string;
  layer: Layer;
  /** endpoint: config/process/port/manifest; network: the signature id or 'traffic'; gateway: 'request', or 'verdict' for a verdict the Judge gave later. */
  source: string;
  /** Epoch ms. */
  observedAt: number;
  /**
   * What the endpoint observed, without when (a config entry, a process's
   * command line, a port): two scans of the same thing share it, so a repeat
   * refreshes the finding instead of counting again. Other layers count events.
   */
  evidenceKey?: string;
  serverName?: string;
  hostIdHash?: string;
  owner?: string;
  judge?: Signals['judge'];
  judgeUnavailable?: boolean;
  highSeverity?: boolean;
  /** The server's tools as this event reports them (a port probe's `tools/list`, a gateway request's definitions), as `toolSet` orders them. */
  tools?: ToolRef[];
  /** A stdio server's config entry or process: SHA-256 of its `commandSignature`. */
  commandSignatureHash?: string;
  /**
   * A config entry's or port probe's risk facts: all of them as of this
   * report (none is a report too: what it said before no longer holds).
   */
  risks?: RiskFact[];
  rules: RuleHit[];
}

/** What correlation has learned from endpoints: which host an address is, which finding a host's port is. */
export interface Lessons {
  hostOfAddress(addressHash: string): string | undefined;
  findingOfPort(hostIdHash: string, port: number): string | undefined;
}

export const NOTHING_LEARNED: Lessons = {
  hostOfAddress: () => undefined,
  findingOfPort: () => undefined,
};

/** One thing an endpoint event teaches: `address:<hash>` → host, `port:<host>:<port>` → finding. */
export interface Lesson {
  key: string;
  value: string;
  /** Epoch ms of the report that taught it. */
  at: number;
}

export const addressKey = (addressHash: string) => `address:${addressHash}`;
export const portKey = (hostIdHash: string, port: number) =>
  `port:${hostIdHash}:${port}`;

/** What an event teaches about addresses and ports (endpoint events only). */
export function lessonsOf(event: McpEvent): Lesson[] {
  if (event.layer !== 'endpoint') return [];
  const at = Date.parse(event.observedAt);
  const lessons = event.host.addressHashes.map(a => ({
    key: addressKey(a),
    value: event.host.idHash,
    at,
  }));
  if (event.detection.source === 'port')
    lessons.push({
      key: portKey(event.host.idHash, event.detection.port),
      value: event.compositeId,
      at,
    });
  return lessons;
}

/**
 * Text order as every engine has it: by UTF-8 bytes (JavaScript's own `<`
 * compares UTF-16 units, which differs for characters beyond U+FFFF).
 */
export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Of two reports for one key, the one that holds: the latest, and on a tie the greater value. */
export function laterLesson<T extends { at: number; value: string }>(
  a: T | undefined,
  b: T | undefined,
): T | undefined {
  if (!a) return b;
  if (!b) return a;
  if (a.at !== b.at) return a.at > b.at ? a : b;
  return compareText(a.value, b.value) >= 0 ? a : b;
}

/** The lessons that hold for each key, among the stored ones and a batch's. */
export function mergeLessons(
  known: Map<string, Lesson>,
  taught: Lesson[],
): Map<string, Lesson> {
  const out = new Map(known);
  for (const lesson of taught)
    out.set(lesson.key, laterLesson(out.get(lesson.key), lesson)!);
  return out;
}

export function lessonsFrom(map: Map<string, Lesson>): Lessons {
  return {
    hostOfAddress: a => map.get(addressKey(a))?.value,
    findingOfPort: (h, p) => map.get(portKey(h, p))?.value,
  };
}

/** The keys whose lesson a network event needs (the port's once its host is known). */
export function lessonKeysFor(
  event: McpEvent,
  hostOfAddress?: (a: string) => string | undefined,
): string[] {
  if (event.layer !== 'network') return [];
  const keys = [addressKey(event.flow.dstAddressHash)];
  const host = hostOfAddress?.(event.flow.dstAddressHash);
  if (host) keys.push(portKey(host, event.flow.dstPort));
  return keys;
}

/**
 * Address learning, written once for every store: what a batch teaches,
 * against what the store knows (read on demand, each key once), with the
 * later report winning whatever order reports arrive in.
 */
export class LessonBook {
  /** As stored before this batch. */
  readonly known = new Map<string, Lesson>();
  private readonly asked = new Set<string>();
  private readonly taught: Lesson[] = [];
  private merged = new Map<string, Lesson>();

  constructor(
    private readonly read: (keys: string[]) => Promise<Map<string, Lesson>>,
  ) {}

  /** Takes what these events teach, and reads what they need. */
  async learn(events: McpEvent[]): Promise<void> {
    const taught = events.flatMap(lessonsOf);
    this.taught.push(...taught);
    // One read for the taught keys and the destinations' (a round trip per
    // batch fewer), then the ports of the hosts those lead to.
    await this.load([
      ...taught.map(l => l.key),
      ...events.flatMap(e => lessonKeysFor(e)),
    ]);
    await this.needPorts(events);
  }

  /** Reads the lessons these events need: their destination's host, then its port. */
  async need(events: McpEvent[]): Promise<void> {
    await this.load(events.flatMap(e => lessonKeysFor(e)));
    await this.needPorts(events);
  }

  private async needPorts(events: McpEvent[]): Promise<void> {
    await this.load(
      events.flatMap(e =>
        lessonKeysFor(e, a => this.merged.get(addressKey(a))?.value),
      ),
    );
  }

  private async load(keys: string[]) {
    const missing = [...new Set(keys)].filter(k => !this.asked.has(k));
    for (const k of missing) this.asked.add(k);
    if (missing.length > 0)
      for (const [k, v] of await this.read(missing)) this.known.set(k, v);
    this.merged = mergeLessons(this.known, this.taught);
  }

  get lessons(): Lessons {
    return lessonsFrom(this.merged);
  }

  /** Lessons this batch changed (a later report, or a new key): the ones to write. */
  changed(): Lesson[] {
    return [...new Set(this.taught.map(l => l.key))]
      .filter(k => this.merged.get(k) !== this.known.get(k))
      .map(k => this.merged.get(k)!);
  }

  /** Lessons whose value changed: network events already stored under them may have to move. */
  moved(): Array<{ key: string; before?: string; now: string }> {
    return this.changed()
      .filter(l => this.known.get(l.key)?.value !== l.value)
      .map(l => ({
        key: l.key,
        ...(this.known.has(l.key)
          ? { before: this.known.get(l.key)!.value }
          : {}),
        now: l.value,
      }));
  }
}

/**
 * Where the network events that may move under changed lessons are: those
 * to a destination address whose host changed, and those on a host's port
 * (at its former finding, or the host:port identity) whose finding changed.
 */
export function moveScope(moved: Array<{ key: string; before?: string }>): {
  addressHashes: string[];
  ports: Array<[port: number, findingId: string]>;
} {
  const addressHashes: string[] = [];
  const ports: Array<[number, string]> = [];
  for (const m of moved) {
    const [kind, a, b] = m.key.split(':');
    if (kind === 'address') addressHashes.push(a);
    else {
      const port = Number(b);
      ports.push([port, compositeId({ hostIdHash: a, port })]);
      if (m.before) ports.push([port, m.before]);
    }
  }
  return { addressHashes, ports };
}

const shortHash = (value: unknown) =>
  createHash('sha256').update(canonicalJson(value)).digest('hex').slice(0, 16);

/** What a `command` suppression matches: the SHA-256 (hex) of how a stdio server is started, as `commandSignature` writes it. */
export const commandSignatureHashOf = (command: string, args: string[] = []) =>
  createHash('sha256').update(commandSignature(command, args)).digest('hex');

/**
 * Which finding an event belongs to, and what it adds. A network event on an
 * address an agent reported (hashed with the same salt) lands on that host's
 * server at that port: the finding the agent's port detection named, or the
 * host:port identity.
 */
export function toFindingUpdate(
  event: McpEvent,
  lessons: Lessons,
  rules: RuleHit[] = [],
): FindingUpdate {
  const base = {
    layer: event.layer,
    observedAt: Date.parse(event.observedAt),
    rules,
  };
  switch (event.layer) {
    case 'endpoint': {
      const d = event.detection;
      let serverName: string | undefined;
      let key: unknown;
      let tools: ToolRef[] | undefined;
      let command: string | undefined;
      let risks: RiskFact[] | undefined;
      switch (d.source) {
        case 'port':
          serverName = d.serverInfo.name;
          key = { port: d.port };
          tools = d.toolDefinitions && toolSet(d.toolDefinitions);
          risks = d.risks ?? [];
          break;
        case 'process':
          serverName =
            d.configRef?.serverName ??
            serverNameFromCommand(d.command, d.args) ??
            d.command;
          key = { command: d.command, args: d.args };
          command = commandSignatureHashOf(d.command, d.args);
          break;
        case 'config':
          serverName = d.serverName;
          if (d.command !== undefined)
            command = commandSignatureHashOf(d.command, d.args);
          key = [d.client, d.configPath, d.serverName, d.projectPath ?? ''];
          risks = d.risks ?? [];
          break;
        default:
          serverName = d.serverName;
          key = d.manifestPath;
      }
      return {
        ...base,
        compositeId: event.compositeId,
        source: d.source,
        evidenceKey: shortHash([d.source, key]),
        serverName: serverName?.slice(0, 256),
        hostIdHash: event.host.idHash,
        owner: event.host.owner?.slice(0, 256),
        ...(tools ? { tools } : {}),
        ...(command ? { commandSignatureHash: command } : {}),
        ...(risks ? { risks } : {}),
      };
    }
    case 'network': {
      const host = lessons.hostOfAddress(event.flow.dstAddressHash);
      return {
        ...base,
        compositeId: host
          ? lessons.findingOfPort(host, event.flow.dstPort) ??
            compositeId({ hostIdHash: host, port: event.flow.dstPort })
          : event.compositeId,
        source: event.signature?.id ?? 'traffic',
        serverName:
          event.mcp.serverInfo?.name.slice(0, 256) ??
          `MCP server on port ${event.flow.dstPort}`,
        hostIdHash: host,
        highSeverity: event.signature?.severity === 'high',
      };
    }
    default: {
      const fromTool = event.request.toolNames
        .map(t => /^mcp__(.+?)__/.exec(t)?.[1])
        .find(Boolean);
      return {
        ...base,
        compositeId: event.compositeId,
        // A verdict that came later is not another request.
        source: event.verdictFor ? 'verdict' : 'request',
        serverName: (event.request.mcpServers[0]?.name ?? fromTool)?.slice(
          0,
          256,
        ),
        owner: event.request.userRef?.slice(0, 256),
        // A request that offers the server's tools with their definitions; one that only calls them says nothing of the set.
        ...(event.request.toolDefinitions?.length
          ? { tools: toolSet(event.request.toolDefinitions) }
          : {}),
        judge: event.judge
          ? {
              verdict: event.judge.verdict,
              confidence: event.judge.confidence,
              explanation: event.judge.explanation,
              ...(event.judge.judgedBy
                ? { judgedBy: event.judge.judgedBy }
                : {}),
            }
          : undefined,
        judgeUnavailable: !event.judge,
      };
    }
  }
}

/** A value with when it was reported: the later one wins, then the greater. */
export interface Candidate {
  value: string;
  at: number;
}

/** At most this many distinct evidence keys are kept per endpoint source (the smallest, so merging stays associative). */
export const MAX_EVIDENCE_KEYS = 64;

export interface RuleTotals {
  name: string;
  severity: 'low' | 'medium' | 'high';
  tags: string[];
  events: number;
  keys: string[];
}

/** What the events of one finding, layer and source add up to. */
export interface SourceTotals {
  layer: Layer;
  source: string;
  /** Distinct events. */
  events: number;
  /** Endpoint only: distinct evidence keys, sorted. */
  keys: string[];
  highSeverity: number;
  firstSeen: number;
  lastSeen: number;
  name?: Candidate;
  owner?: Candidate;
  /** Everyone whose evidence this is (endpoint owners, gateway callers), sorted. */
  owners: string[];
  /** The least host id hash seen (a finding has one host; the least is a rule, not a guess). */
  host?: string;
  /** The latest tool set reported, as `toolsText` writes it. */
  tools?: Candidate;
  /** The latest stdio command signature hash reported. */
  command?: Candidate;
  /**
   * Endpoint only: each owner's latest risk report (`risksText`) of each
   * piece of evidence, by `riskReportKey`; the MAX_EVIDENCE_KEYS least keys.
   */
  risks?: Record<string, Candidate>;
  judge?: NonNullable<Signals['judge']>;
  judgeMissing: boolean;
  rules: Record<string, RuleTotals>;
}

/** A finding's totals, by `layer/source`. */
export type FindingTotals = Record<string, SourceTotals>;

const unionKeys = (a: string[], b: string[]) =>
  [...new Set([...a, ...b])].sort(compareText).slice(0, MAX_EVIDENCE_KEYS);

/** A finding shared by more people than this (a build host?) is visible to the first this many, by ref. */
export const MAX_OWNERS = 64;

/** The verdict as stored and compared: keys in a fixed order. */
export const judgeText = (j: NonNullable<SourceTotals['judge']>) =>
  JSON.stringify({
    verdict: j.verdict,
    confidence: j.confidence,
    explanation: j.explanation,
    ...(j.judgedBy ? { judgedBy: j.judgedBy } : {}),
  });

/** The stronger verdict: more confident, then by its text, so the choice is the same everywhere. */
export function strongerJudge(
  a: SourceTotals['judge'],
  b: SourceTotals['judge'],
): SourceTotals['judge'] {
  if (!a) return b;
  if (!b) return a;
  if (a.confidence !== b.confidence) return a.confidence > b.confidence ? a : b;
  return compareText(judgeText(a), judgeText(b)) >= 0 ? a : b;
}

function minDefined(a?: string, b?: string): string | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return compareText(a, b) <= 0 ? a : b;
}

/** A tool set as totals keep and compare it (canonical JSON of `toolSet`). */
export const toolsText = (tools: ToolRef[]) => canonicalJson(tools);

const unionOwners = (a: string[], b: string[]) =>
  [...new Set([...a, ...b])].sort(compareText).slice(0, MAX_OWNERS);

const riskKindIndex = (f: RiskFact) => RISK_KIND_IDS.indexOf(f.kind);
/** What tells two facts apart: kind and place (file and key); a fact with no place (a port probe's, one per tool) by its evidence. */
const riskPlace = (f: RiskFact) =>
  canonicalJson([
    f.kind,
    f.location ? [f.location.file, f.location.jsonPath ?? ''] : f.evidence,
  ]);

/**
 * Risk facts as a finding shows them, whatever order they came in: most
 * severe first, then by kind, then by their text (a total order); one per
 * kind and place (the first in that order, with the owners of all of them:
 * two owners' agents probing one port report the same fact); at most
 * MAX_RISK_FACTS of each owner's (and of the facts no report named an owner
 * for), so that one owner's many facts never crowd out another's: a reader
 * narrowed to their own (`findingVisibleTo`) gets their most severe
 * MAX_RISK_FACTS.
 */
export function mergeRiskFacts(facts: FindingRiskFact[]): FindingRiskFact[] {
  const ordered = facts
    .map(fact => {
      const { owners: _owners, ...said } = fact;
      return { fact, text: canonicalJson(said) };
    })
    .sort(
      (a, b) =>
        RISK_SEVERITY_RANK[b.fact.severity] -
          RISK_SEVERITY_RANK[a.fact.severity] ||
        riskKindIndex(a.fact) - riskKindIndex(b.fact) ||
        compareText(a.text, b.text),
    );
  const byPlace = new Map<string, FindingRiskFact>();
  for (const { fact } of ordered) {
    const place = riskPlace(fact);
    const kept = byPlace.get(place);
    if (!kept) {
      byPlace.set(place, fact);
      continue;
    }
    const owners = unionOwners(kept.owners ?? [], fact.owners ?? []);
    if (owners.length > 0) byPlace.set(place, { ...kept, owners });
  }
  // In order (a place keeps its first fact's position): each owner's most severe.
  const shown = new Map<string, number>();
  return [...byPlace.values()].filter(fact => {
    const whose = fact.owners?.length ? fact.owners : [''];
    if (whose.every(o => (shown.get(o) ?? 0) >= MAX_RISK_FACTS)) return false;
    for (const o of whose) shown.set(o, (shown.get(o) ?? 0) + 1);
    return true;
  });
}

/**
 * Where totals keep a risk report: by piece of evidence and by whose
 * endpoint reported it, so that each owner's latest report counts (the
 * agents of a shared host's owners each probe its ports) and each fact keeps
 * its owner: a developer sees only the facts their own endpoints reported.
 */
export const riskReportKey = (evidenceKey: string, owner?: string) =>
  owner ? `${evidenceKey} ${owner}` : evidenceKey;

/** Whose report a `riskReportKey` keeps, if it names one. */
function reporterOf(key: string): string | undefined {
  const space = key.indexOf(' ');
  return space < 0 ? undefined : key.slice(space + 1);
}

/**
 * The risk reports that count: each owner's from their latest scan of the
 * server by this source (a scan stamps all its reports with one time). A
 * config entry that moved to another file, or left the config, is not in
 * the owner's next scan, and its facts stop counting then; a port probe's
 * facts hold while the server is not running (its config entry still is).
 */
function currentRiskReports(
  reports: Record<string, Candidate> = {},
): Array<[string, Candidate]> {
  const latest = new Map<string, number>();
  for (const [key, c] of Object.entries(reports)) {
    const owner = reporterOf(key) ?? '';
    latest.set(owner, Math.max(latest.get(owner) ?? -Infinity, c.at));
  }
  return Object.entries(reports).filter(
    ([key, c]) => c.at === latest.get(reporterOf(key) ?? ''),
  );
}

/** One report's risk facts as totals keep and compare them (canonical JSON, merged). */
export const risksText = (facts: RiskFact[]) =>
  canonicalJson(mergeRiskFacts(facts));

/** Each piece of evidence's later risk report, for the least MAX_EVIDENCE_KEYS keys. */
function mergeRiskReports(
  a?: Record<string, Candidate>,
  b?: Record<string, Candidate>,
): Record<string, Candidate> | undefined {
  if (!a) return b;
  if (!b) return a;
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])]
    .sort(compareText)
    .slice(0, MAX_EVIDENCE_KEYS);
  return Object.fromEntries(keys.map(k => [k, laterLesson(a[k], b[k])!]));
}

/** The totals of one update. */
export function totalsOf(u: FindingUpdate): FindingTotals {
  const keys = u.layer === 'endpoint' && u.evidenceKey ? [u.evidenceKey] : [];
  const rules: Record<string, RuleTotals> = {};
  for (const hit of u.rules)
    rules[hit.id] = {
      name: hit.name,
      severity: hit.severity,
      tags: [...hit.tags].sort(),
      events: 1,
      keys,
    };
  return {
    [`${u.layer}/${u.source}`]: {
      layer: u.layer,
      source: u.source,
      events: 1,
      keys,
      highSeverity: u.highSeverity ? 1 : 0,
      firstSeen: u.observedAt,
      lastSeen: u.observedAt,
      ...(u.serverName
        ? { name: { value: u.serverName, at: u.observedAt } }
        : {}),
      ...(u.owner ? { owner: { value: u.owner, at: u.observedAt } } : {}),
      owners: u.owner ? [u.owner] : [],
      ...(u.hostIdHash ? { host: u.hostIdHash } : {}),
      ...(u.tools
        ? { tools: { value: toolsText(u.tools), at: u.observedAt } }
        : {}),
      ...(u.commandSignatureHash
        ? { command: { value: u.commandSignatureHash, at: u.observedAt } }
        : {}),
      ...(u.risks && u.evidenceKey
        ? {
            risks: {
              [riskReportKey(u.evidenceKey, u.owner)]: {
                value: risksText(u.risks),
                at: u.observedAt,
              },
            },
          }
        : {}),
      ...(u.judge ? { judge: u.judge } : {}),
      judgeMissing: u.judgeUnavailable === true,
      rules,
    },
  };
}

function mergeSource(a: SourceTotals, b: SourceTotals): SourceTotals {
  const rules = { ...a.rules };
  for (const [id, r] of Object.entries(b.rules)) {
    const q = rules[id];
    rules[id] = q
      ? { ...q, events: q.events + r.events, keys: unionKeys(q.keys, r.keys) }
      : r;
  }
  const name = laterLesson(a.name, b.name);
  const owner = laterLesson(a.owner, b.owner);
  const host = minDefined(a.host, b.host);
  const tools = laterLesson(a.tools, b.tools);
  const command = laterLesson(a.command, b.command);
  const risks = mergeRiskReports(a.risks, b.risks);
  const judge = strongerJudge(a.judge, b.judge);
  return {
    layer: a.layer,
    source: a.source,
    events: a.events + b.events,
    keys: unionKeys(a.keys, b.keys),
    highSeverity: a.highSeverity + b.highSeverity,
    firstSeen: Math.min(a.firstSeen, b.firstSeen),
    lastSeen: Math.max(a.lastSeen, b.lastSeen),
    ...(name ? { name } : {}),
    ...(owner ? { owner } : {}),
    owners: unionOwners(a.owners, b.owners),
    ...(host ? { host } : {}),
    ...(tools ? { tools } : {}),
    ...(command ? { command } : {}),
    ...(risks ? { risks } : {}),
    ...(judge ? { judge } : {}),
    judgeMissing: a.judgeMissing || b.judgeMissing,
    rules,
  };
}

/** Adds two totals of the same finding (events counted once each: callers pass each event once). */
export function mergeTotals(a: FindingTotals, b: FindingTotals): FindingTotals {
  const out = { ...a };
  for (const [k, t] of Object.entries(b))
    out[k] = out[k] ? mergeSource(out[k], t) : t;
  return out;
}

/** Which source's name a finding takes: what the user named it, then what the server says, then what it runs. */
const NAME_RANK: Record<string, number> = {
  'endpoint/config': 5,
  'endpoint/manifest': 5,
  'endpoint/port': 4,
  'endpoint/process': 3,
  gateway: 2,
  network: 1,
};
const nameRank = (t: SourceTotals) =>
  NAME_RANK[`${t.layer}/${t.source}`] ?? NAME_RANK[t.layer] ?? 0;
/** Whose server it is: the endpoint's owner before a gateway's caller. */
const OWNER_RANK: Partial<Record<Layer, number>> = { endpoint: 2, gateway: 1 };
const ownerRank = (t: SourceTotals) => OWNER_RANK[t.layer] ?? 0;
/** Whose tool list holds: the server's own answer to a port probe before what a client offered a model (a client may offer only some). */
const TOOLS_RANK: Partial<Record<Layer, number>> = { endpoint: 2, gateway: 1 };
const toolsRank = (t: SourceTotals) => TOOLS_RANK[t.layer] ?? 0;

function best(
  totals: SourceTotals[],
  pick: (t: SourceTotals) => Candidate | undefined,
  rank: (t: SourceTotals) => number,
): { c: Candidate; t: SourceTotals } | undefined {
  let winner: { rank: number; c: Candidate; t: SourceTotals } | undefined;
  for (const t of totals) {
    const c = pick(t);
    if (!c) continue;
    const r = rank(t);
    if (
      !winner ||
      r > winner.rank ||
      (r === winner.rank && laterLesson(winner.c, c) === c && c !== winner.c)
    )
      winner = { rank: r, c, t };
  }
  return winner && { c: winner.c, t: winner.t };
}

/** What a finding is, before the registry and the score. */
export interface FindingFacts {
  serverName?: string;
  hostIdHash?: string;
  owner?: string;
  owners: string[];
  signals: Signals;
  layers: Layer[];
  firstSeen: number;
  lastSeen: number;
  /** The latest stdio command signature hash of its config entries and processes. */
  commandSignatureHash?: string;
  /** Each owner's latest config report of it (epoch ms; '' for reports naming no owner). */
  configReports: Record<string, number>;
  /** The latest report of it by anything but a config entry (epoch ms). */
  otherLastSeen?: number;
}

/** A scan's inventory as correlation reads it: when, and the servers its config entries named. */
export interface KnownInventory {
  at: number;
  configIds: ReadonlySet<string>;
}

/**
 * Whether a finding is no longer reported: it has config evidence, and for
 * every owner whose config entries reported it, that owner's latest complete
 * scan inventory of its host is later than their latest report of it and
 * does not name it; and nothing else (a process, a port, the network, a
 * gateway) saw it after its last config report. An owner with no inventory
 * (an agent that predates it, or a scan that could not read a config file)
 * keeps it reported. The one place this is decided.
 */
export function noLongerReportedOf(
  compositeIdOfFinding: string,
  facts: Pick<FindingFacts, 'hostIdHash' | 'configReports' | 'otherLastSeen'>,
  inventoryOf: (
    hostIdHash: string,
    owner: string,
  ) => KnownInventory | undefined,
): NoLongerReported | undefined {
  const owners = Object.keys(facts.configReports);
  if (!facts.hostIdHash || owners.length === 0) return undefined;
  let since = -Infinity;
  let missingFrom = -Infinity;
  for (const owner of owners) {
    const last = facts.configReports[owner];
    const inventory = inventoryOf(facts.hostIdHash, owner);
    if (
      !inventory ||
      inventory.at <= last ||
      inventory.configIds.has(compositeIdOfFinding)
    )
      return undefined;
    since = Math.max(since, last);
    missingFrom = Math.max(missingFrom, inventory.at);
  }
  if (facts.otherLastSeen !== undefined && facts.otherLastSeen > since)
    return undefined;
  return {
    since: new Date(since).toISOString(),
    missingFrom: new Date(missingFrom).toISOString(),
  };
}

/** The facts of a finding from its totals (at least one source). */
export function describeFinding(totals: FindingTotals): FindingFacts {
  const sources = Object.keys(totals)
    .sort()
    .map(k => totals[k]);
  const counts: Signals['counts'] = {};
  const rules: NonNullable<Signals['rules']> = {};
  let judge: SourceTotals['judge'];
  let judgeMissing = false;
  let high = 0;
  let host: string | undefined;
  let owners: string[] = [];
  for (const t of sources) {
    owners = unionOwners(owners, t.owners);
    // The endpoint counts what it saw (a config entry rescanned is one); the others count events.
    const n = t.layer === 'endpoint' ? Math.max(1, t.keys.length) : t.events;
    (counts[t.layer] ??= {})[t.source] = n;
    for (const [id, r] of Object.entries(t.rules)) {
      const count =
        t.layer === 'endpoint' ? Math.max(1, r.keys.length) : r.events;
      rules[id] = {
        name: r.name,
        severity: r.severity,
        tags: r.tags,
        count: (rules[id]?.count ?? 0) + count,
      };
    }
    judge = strongerJudge(judge, t.judge);
    judgeMissing ||= t.judgeMissing;
    high += t.highSeverity;
    host = minDefined(host, t.host);
  }
  const tools = best(sources, t => t.tools, toolsRank);
  const command = best(
    sources,
    t => t.command,
    () => 0,
  )?.c.value;
  // Each piece of evidence's latest report counts (a config entry's and the
  // port's), each owner's own, while it is from the owner's latest scan; each
  // fact says whose endpoints reported it.
  const risks = mergeRiskFacts(
    sources.flatMap(t =>
      currentRiskReports(t.risks).flatMap(([key, c]) => {
        const owner = reporterOf(key);
        return (JSON.parse(c.value) as RiskFact[]).map(
          (f): FindingRiskFact => (owner ? { ...f, owners: [owner] } : f),
        );
      }),
    ),
  );
  // When each owner's config entries last reported it (every config report
  // carries its risk report, so the risk reports' times are the reports').
  const configReports: Record<string, number> = {};
  let otherLastSeen: number | undefined;
  for (const t of sources) {
    if (t.layer === 'endpoint' && t.source === 'config') {
      for (const [key, c] of Object.entries(t.risks ?? {})) {
        const owner = reporterOf(key) ?? '';
        configReports[owner] = Math.max(configReports[owner] ?? c.at, c.at);
      }
    } else otherLastSeen = Math.max(otherLastSeen ?? t.lastSeen, t.lastSeen);
  }
  return {
    configReports,
    ...(otherLastSeen !== undefined ? { otherLastSeen } : {}),
    serverName: best(sources, t => t.name, nameRank)?.c.value,
    hostIdHash: host,
    owner: best(sources, t => t.owner, ownerRank)?.c.value,
    owners,
    signals: {
      counts,
      ...(tools
        ? {
            tools: {
              definitions: JSON.parse(tools.c.value) as ToolRef[],
              seenAt: new Date(tools.c.at).toISOString(),
              from: `${tools.t.layer}/${tools.t.source}`,
            },
          }
        : {}),
      ...(judge ? { judge } : {}),
      judgeUnavailable: !judge && judgeMissing,
      highSeveritySignatures: high,
      ...(risks.length > 0 ? { risks } : {}),
      rules,
    },
    layers: (Object.keys(counts) as Layer[]).sort(),
    firstSeen: Math.min(...sources.map(t => t.firstSeen)),
    lastSeen: Math.max(...sources.map(t => t.lastSeen)),
    ...(command ? { commandSignatureHash: command } : {}),
  };
}

/** What the registry says of a finding (see RegistryLookup). */
export interface RegistryMatch {
  approved: boolean;
  entryId?: string;
  entryName?: string;
  owner?: string;
  /** The server's tools differ from the set pinned on the entry: the discount is withheld. */
  toolChange?: ToolSetChange & { pinnedAt: string };
  /** Kinds of risk an admin accepted on the entry: not counted while the approval holds. */
  acceptedRisks?: AcceptedRisk[];
}

function registryStatusOf(
  approved: boolean,
  breakdown: ScoreBreakdown,
): Finding['registryStatus'] {
  if (!approved) return 'unregistered';
  return breakdown.toolChange ? 'tools-changed' : 'approved';
}

/**
 * The finding: its facts, scored with what the registry says of it, with
 * what triage says of it (a suppression hides a finding from the default
 * views; it never changes the score).
 */
export function finishFinding(
  compositeIdOfFinding: string,
  facts: FindingFacts,
  registry: RegistryMatch,
  weights?: ScoringWeights,
  triage: FindingTriage = UNTRIAGED,
  noLongerReported?: NoLongerReported,
): Finding {
  // No longer reported: what its config entries said of risk no longer holds.
  const signals: Signals = noLongerReported
    ? (({ risks: _gone, ...rest }) => rest)(facts.signals)
    : facts.signals;
  const breakdown = scoreFinding(signals, {
    weights,
    registry: {
      approved: registry.approved,
      entryName: registry.entryName,
      ...(registry.approved && registry.acceptedRisks?.length
        ? { acceptedRisks: registry.acceptedRisks }
        : {}),
      ...(registry.approved && registry.toolChange
        ? {
            toolChange: {
              ...registry.toolChange,
              entryId: registry.entryId ?? '',
              entryName: registry.entryName ?? '',
            },
          }
        : {}),
    },
  });
  if (noLongerReported) {
    breakdown.noLongerReported = noLongerReported;
    breakdown.contributions = breakdown.contributions.map(c =>
      c.layer === 'endpoint'
        ? {
            ...c,
            // The instant whole (ISO 8601, UTC): a page shows it in its
            // reader's time (`noLongerReportedSince` says which it is).
            reason: `${c.reason}; no longer reported since ${noLongerReported.since} (removed or changed): its risks no longer count`,
            noLongerReportedSince: noLongerReported.since,
          }
        : c,
    );
  }
  return {
    compositeId: compositeIdOfFinding,
    ...(facts.serverName ? { serverName: facts.serverName } : {}),
    ...(facts.hostIdHash ? { hostIdHash: facts.hostIdHash } : {}),
    ...(facts.owner ? { owner: facts.owner } : {}),
    owners: facts.owners,
    score: breakdown.score,
    classification: breakdown.classification,
    layers: facts.layers,
    breakdown,
    signals,
    registryStatus: registryStatusOf(registry.approved, breakdown),
    ...(registry.approved && registry.owner
      ? { registryOwner: registry.owner }
      : {}),
    judgeUnavailable: facts.signals.judgeUnavailable,
    firstSeen: new Date(facts.firstSeen).toISOString(),
    lastSeen: new Date(facts.lastSeen).toISOString(),
    ...(facts.commandSignatureHash
      ? { commandSignatureHash: facts.commandSignatureHash }
      : {}),
    triage,
  };
}
