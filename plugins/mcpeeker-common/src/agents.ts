import type { ClientEnforcement } from './events/schema';

/** Enrolment secrets live 24 hours unless asked otherwise. @public */
export const DEFAULT_ENROLMENT_HOURS = 24;
/** The longest an enrolment secret may live. @public */
export const MAX_ENROLMENT_DAYS = 30;
/** One machine per secret unless asked otherwise; a fleet roll-out (MDM) at most this many. @public */
export const MAX_ENROLMENT_USES = 10_000;

/** What an admin asks for at `POST /agents/enrolments`. @public */
export interface AgentEnrolmentCreate {
  /** A user or group entity ref in the catalog, e.g. `group:default/mcp-developers`. */
  owner: string;
  /** ISO date-time; 24 hours from now when left out, at most 30 days ahead. */
  expiresAt?: string;
  /** How many machines may enrol with the secret (1 when left out). */
  maxUses?: number;
  label?: string;
}

/** An enrolment secret as admins see it: never the secret itself. @public */
export interface AgentEnrolment {
  id: string;
  owner: string;
  label?: string;
  maxUses: number;
  uses: number;
  expiresAt: string;
  createdBy: string;
  createdAt: string;
  revokedBy?: string;
  revokedAt?: string;
}

/** The answer to `POST /agents/enrolments`: the only time the secret is seen in clear. @public */
export interface CreatedAgentEnrolment extends AgentEnrolment {
  secret: string;
}

/** An enrolled agent: one machine (host id hash) reporting for one owner. @public */
export interface EnrolledAgent {
  id: string;
  hostIdHash: string;
  owner: string;
  enrolmentId: string;
  enrolledAt: string;
  lastSeenAt?: string;
  revokedBy?: string;
  revokedAt?: string;
}

/**
 * A host's latest word on the managed MCP policy its clients are under, as
 * `GET /hosts` answers it: each client's mode (empty: the host only
 * reports), when the agent read it, and the owner its reports are stored
 * for. @public
 */
export interface HostEnforcementState {
  hostIdHash: string;
  /** The label its agent's config gives it (opt-in; see `hostName`). */
  label?: string;
  os: 'linux' | 'darwin' | 'win32';
  owner?: string;
  clients: ClientEnforcement[];
  /** When the agent read the policy files (the latest report's `observedAt`). */
  reportedAt: string;
}

/**
 * The answer of `GET /hosts`: a page of host reports (one per host and
 * owner: each person's agent reports its host on its own), and how many of
 * the reports the caller may see say the host enforces. @public
 */
export interface HostEnforcementList {
  items: HostEnforcementState[];
  /** Host reports the caller may see (whatever the filter): the rows of the unfiltered list. */
  total: number;
  /** Of those, reports where at least one client enforces: the rows of `?enforcing=true`. */
  enforcing: number;
}
