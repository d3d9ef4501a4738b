import crypto from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import type { NotificationService } from '@backstage/plugin-notifications-node';
import {
  asClause,
  asSentence,
  RegistryEntry,
  RiskKind,
  summarizeToolSetChange,
  ToolSetChange,
} from '@mcpeeker/plugin-mcpeeker-common';

/** Something about a registry entry that people should hear of. */
export type RegistryNotice =
  | {
      kind: 'submitted';
      entry: RegistryEntry;
      /** Its owner asks to renew it after it expired: the admins decide again. */
      renewal?: { actor: string; reason?: string };
    }
  | {
      kind: 'approved' | 'denied' | 'revoked' | 'renewed' | 'withdrawn';
      entry: RegistryEntry;
      actor: string;
    }
  | {
      kind: 'expiring';
      entry: RegistryEntry;
      /** Calendar days (UTC) until its expiry date: `calendarDaysUntil`. */
      days: number;
    }
  | {
      kind: 'expired';
      entry: RegistryEntry;
      /**
       * What it was when its date passed: approved (its detections lose the
       * registry discount) or still pending (they never had it).
       */
      lapsedFrom: 'pending' | 'approved';
    }
  | {
      kind: 'tools-changed';
      entry: RegistryEntry;
      finding: { compositeId: string; serverName: string; owner?: string };
      summary: ToolSetChange;
      explanation: { text: string; judgedBy: 'claude' | 'offline' };
    }
  | {
      /** A high-severity kind of risk is new on a finding (registered or not). */
      kind: 'high-risk';
      entry?: undefined;
      finding: { compositeId: string; serverName: string; owner?: string };
      /** The server told of (`riskAlertServerKey`): one notice per owner, server and kind. */
      serverKey: string;
      risk: {
        kind: RiskKind;
        title: string;
        /** Each fact's evidence (redacted: never a secret's value). */
        evidence: string[];
        fix: string;
      };
    };

/** Every kind of notice, each once: what a webhook's `events` may name. */
const EVERY_NOTICE_KIND: Record<RegistryNotice['kind'], true> = {
  submitted: true,
  approved: true,
  denied: true,
  revoked: true,
  renewed: true,
  withdrawn: true,
  expiring: true,
  expired: true,
  'tools-changed': true,
  'high-risk': true,
};
export const NOTICE_KINDS = Object.keys(
  EVERY_NOTICE_KIND,
) as RegistryNotice['kind'][];

export interface WebhookConfig {
  name: string;
  url: string;
  /** HMAC-SHA256 key: the receiver checks `X-MCPeeker-Signature`. */
  secret: string;
  /** Body shape: Slack and Teams incoming webhooks, PagerDuty Events v2, or plain JSON. */
  format: 'slack' | 'teams' | 'pagerduty' | 'json';
  /** Which notices it wants; all when empty. */
  events: RegistryNotice['kind'][];
}

/** What a notice says, in words, and to whom. */
export function describeNotice(
  notice: RegistryNotice,
  admins: string[],
): { title: string; description: string; recipients: string[] } {
  if (notice.kind === 'high-risk') {
    const { risk, finding } = notice;
    const more = risk.evidence.length - 1;
    return {
      title: `MCP server '${finding.serverName}' on your endpoint: ${risk.title}`,
      description: `${asSentence(
        `${asClause(risk.evidence[0])}${more > 0 ? ` (and ${more} more)` : ''}`,
      )} Fix: ${risk.fix}`,
      recipients: finding.owner ? [finding.owner] : [],
    };
  }
  const { entry } = notice;
  const owners = [entry.owner, entry.team];
  switch (notice.kind) {
    case 'submitted':
      return notice.renewal
        ? {
            title: `MCP server '${entry.name}' awaits approval again`,
            description: asSentence(
              `It expired; ${
                notice.renewal.actor
              } asks to renew it until ${entry.expiresAt.slice(0, 10)} for ${
                entry.team
              }${
                notice.renewal.reason
                  ? `: ${asClause(notice.renewal.reason)}`
                  : ''
              }`,
            ),
            recipients: admins,
          }
        : {
            title: `MCP server '${entry.name}' awaits approval`,
            description: `${entry.owner} registered it for ${entry.team}: ${entry.purpose}`,
            recipients: admins,
          };
    case 'renewed':
      return {
        title: `MCP registration '${entry.name}' was renewed`,
        description: `${notice.actor} renewed it until ${entry.expiresAt.slice(
          0,
          10,
        )}${
          entry.decisionReason ? ` (${asClause(entry.decisionReason)})` : ''
        }; its detections are recognised again.`,
        recipients: owners,
      };
    case 'expiring': {
      const date = entry.expiresAt.slice(0, 10);
      let when = `in ${notice.days} days, on ${date}`;
      if (notice.days <= 0) when = `today (${date})`;
      else if (notice.days === 1) when = `tomorrow (${date})`;
      // A pending entry was never approved: nothing of it lapses but the
      // period it asks for, and only an admin's approval helps.
      return entry.status === 'pending'
        ? {
            title: `MCP registration '${entry.name}' is still awaiting approval; its requested period ends ${when}`,
            description: `An admin must approve it before then, or it expires unapproved and its detections stay flagged. Its owner can move the date on its page.`,
            recipients: [...new Set([...owners, ...admins])],
          }
        : {
            title: `MCP registration '${entry.name}' expires ${when}`,
            description: `Extend it on its Registry page before then, or its detections will be flagged again.`,
            recipients: owners,
          };
    }
    case 'tools-changed':
      return {
        title: `MCP server '${notice.finding.serverName}' changed its tools since '${entry.name}' was approved`,
        description: `${summarizeToolSetChange(notice.summary)}. ${
          notice.explanation.text
        } (explained by ${
          notice.explanation.judgedBy === 'claude'
            ? 'the Judge'
            : 'the offline judge'
        })`,
        recipients: [
          ...new Set([
            ...owners,
            ...(notice.finding.owner ? [notice.finding.owner] : []),
            ...admins,
          ]),
        ],
      };
    case 'withdrawn':
      // An approved one's team and the admins hear of it; a pending one's
      // admins hear of it in place of "awaits approval" (resolvedSubmission).
      return entry.status === 'approved'
        ? {
            title: `MCP registration '${entry.name}' was withdrawn`,
            description: `${notice.actor} withdrew its approved registration: its detections are scored as unregistered again, and it is no longer on the enforcement allowlist.`,
            recipients: [...new Set([...owners, ...admins])].filter(
              r => r !== notice.actor,
            ),
          }
        : {
            title: `MCP registration '${entry.name}' was withdrawn`,
            description: `${notice.actor} withdrew it before anyone decided on it.`,
            recipients: [],
          };
    case 'expired':
      // A pending entry was never approved: it loses nothing but its request.
      return notice.lapsedFrom === 'pending'
        ? {
            title: `MCP registration '${entry.name}' expired before an admin decided on it`,
            description:
              'Its requested period ended while it awaited approval. It was never approved, so its detections remain scored as unregistered, as they were; if it is still needed, renew it on its page with a new date and it goes back to the admins.',
            recipients: owners,
          }
        : {
            title: `MCP registration '${entry.name}' has expired`,
            description:
              'Its detections are scored as unregistered again; if it is still needed, renew it on its page and an admin approves it again.',
            recipients: owners,
          };
    default:
      return {
        title: `MCP registration '${entry.name}' was ${notice.kind}`,
        description: asSentence(
          `${notice.actor} ${notice.kind} it${
            entry.decisionReason ? `: ${asClause(entry.decisionReason)}` : ''
          }`,
        ),
        recipients: owners,
      };
  }
}

/** Where a notice's link goes in the portal: the entry's page, or what to act on. */
function noticePath(notice: RegistryNotice): string {
  if (notice.kind === 'submitted') return '/mcpeeker/approvals';
  if (notice.kind === 'tools-changed' || notice.kind === 'high-risk')
    return `/mcpeeker/findings/${notice.finding.compositeId}`;
  if (notice.kind === 'withdrawn') return '/mcpeeker/registry';
  return `/mcpeeker/registry/${notice.entry.id}`;
}

/** The scope of a notice's portal notification: one per entry and kind (and finding); a high risk's, one per server and kind. */
function noticeScope(notice: RegistryNotice): string {
  if (notice.kind === 'high-risk')
    return `mcpeeker-risk:${notice.serverKey}:${notice.risk.kind}`;
  return `mcpeeker-registry:${notice.entry.id}:${notice.kind}${
    notice.kind === 'tools-changed' ? `:${notice.finding.compositeId}` : ''
  }`;
}

/**
 * What replaces the admins' "awaits approval" once the entry was decided on or
 * withdrawn, so that nobody goes to approve what is done. A backend cannot
 * mark someone's notification read or done; sending with the same scope
 * replaces its title, text and link in place (Backstage shows it as unread
 * again, now saying that nothing is to be done).
 */
export function resolvedSubmission(
  notice: RegistryNotice,
): { title: string; description: string; link: string } | undefined {
  if (
    notice.kind !== 'approved' &&
    notice.kind !== 'denied' &&
    notice.kind !== 'withdrawn'
  )
    return undefined;
  // An approved entry awaited nothing: its "awaits approval" was resolved when approved.
  if (notice.kind === 'withdrawn' && notice.entry.status === 'approved')
    return undefined;
  const { entry } = notice;
  return {
    title: `MCP server '${entry.name}' no longer awaits approval: ${notice.kind}`,
    description: `Nothing to do: ${notice.actor} ${
      notice.kind === 'withdrawn' ? 'withdrew it' : `${notice.kind} it`
    }${
      notice.kind !== 'withdrawn' && entry.decisionReason
        ? ` (${asClause(entry.decisionReason)})`
        : ''
    }.`,
    link:
      notice.kind === 'withdrawn'
        ? '/mcpeeker/registry'
        : `/mcpeeker/registry/${entry.id}`,
  };
}

/** Notices that call for action: high severity in the portal, a warning for PagerDuty. */
const isWarning = (notice: RegistryNotice) =>
  notice.kind === 'expired' ||
  notice.kind === 'revoked' ||
  notice.kind === 'tools-changed' ||
  notice.kind === 'high-risk';

/** Signs a webhook body: HMAC-SHA256 over `<timestamp>.<body>`, hex. */
export function signWebhook(secret: string, timestamp: string, body: string) {
  return crypto
    .createHmac('sha256', secret)
    .update(`${timestamp}.${body}`)
    .digest('hex');
}

/** What a JSON or PagerDuty body carries beside the words: the entry, and the finding with what happened to it. */
function noticeDetails(notice: RegistryNotice) {
  return {
    ...(notice.entry ? { entry: notice.entry } : {}),
    ...(notice.kind === 'high-risk'
      ? { finding: notice.finding, risk: notice.risk }
      : {}),
    ...(notice.kind === 'tools-changed'
      ? {
          finding: notice.finding,
          change: notice.summary,
          explanation: notice.explanation,
        }
      : {}),
  };
}

/** One incident per entry and kind, per finding for a changed tool set, per server and kind for a high risk. */
function dedupKey(notice: RegistryNotice): string {
  if (notice.kind === 'high-risk')
    return `mcpeeker-risk-${notice.serverKey}-${notice.risk.kind}`;
  return `mcpeeker-${notice.entry.id}-${notice.kind}${
    notice.kind === 'tools-changed' ? `-${notice.finding.compositeId}` : ''
  }`;
}

function webhookBody(
  format: WebhookConfig['format'],
  notice: RegistryNotice,
  text: { title: string; description: string },
  link: string,
) {
  switch (format) {
    case 'slack':
      return {
        text: `*${text.title}*\n${text.description}\n<${link}|Open in the portal>`,
      };
    case 'teams':
      return {
        '@type': 'MessageCard',
        '@context': 'https://schema.org/extensions',
        summary: text.title,
        title: text.title,
        text: text.description,
        potentialAction: [
          {
            '@type': 'OpenUri',
            name: 'Open in the portal',
            targets: [{ os: 'default', uri: link }],
          },
        ],
      };
    case 'pagerduty':
      return {
        event_action: 'trigger',
        dedup_key: dedupKey(notice),
        payload: {
          summary: text.title,
          source: 'mcpeeker',
          severity: isWarning(notice) ? 'warning' : 'info',
          custom_details: {
            description: text.description,
            ...noticeDetails(notice),
          },
        },
        links: [{ href: link, text: 'Open in the portal' }],
      };
    default:
      return {
        kind: notice.kind,
        title: text.title,
        description: text.description,
        link,
        ...noticeDetails(notice),
      };
  }
}

/**
 * Tells people about registry changes: in the portal through Backstage's
 * notifications (and whatever processors it has, e.g. email), and through
 * signed outgoing webhooks. A failing channel is logged, never blocks the
 * change that caused it.
 */
export class RegistryNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      webhooks: WebhookConfig[];
      admins: string[];
      logger: LoggerService;
      baseUrl: string;
      fetch?: typeof fetch;
      now?: () => Date;
    },
  ) {}

  async notify(notice: RegistryNotice): Promise<void> {
    const { notifications, webhooks, admins, logger, baseUrl } = this.options;
    const text = describeNotice(notice, admins);
    const path = noticePath(notice);
    const jobs: Array<{ channel: string; job: Promise<unknown> }> = [];
    if (notifications && text.recipients.length > 0) {
      jobs.push({
        channel: 'notifications',
        job: notifications.send({
          recipients: { type: 'entity', entityRef: text.recipients },
          payload: {
            title: text.title,
            description: text.description,
            link: path,
            topic:
              notice.kind === 'high-risk'
                ? 'mcpeeker-risk'
                : 'mcpeeker-registry',
            severity: isWarning(notice) ? 'high' : 'normal',
            // One notification per entry and kind (and finding): a reminder updates, not repeats.
            scope: noticeScope(notice),
          },
        }),
      });
    }
    const resolved = resolvedSubmission(notice);
    if (notifications && resolved && notice.entry && admins.length > 0) {
      jobs.push({
        channel: 'notifications',
        job: notifications.send({
          recipients: { type: 'entity', entityRef: admins },
          payload: {
            ...resolved,
            topic: 'mcpeeker-registry',
            severity: 'low',
            // The scope of the "awaits approval" it replaces.
            scope: noticeScope({ kind: 'submitted', entry: notice.entry }),
          },
        }),
      });
    }
    for (const hook of webhooks) {
      if (hook.events.length > 0 && !hook.events.includes(notice.kind))
        continue;
      const body = JSON.stringify(
        webhookBody(hook.format, notice, text, `${baseUrl}${path}`),
      );
      const timestamp = String(
        Math.floor((this.options.now?.() ?? new Date()).getTime() / 1000),
      );
      jobs.push({
        channel: `webhook ${hook.name}`,
        job: (this.options.fetch ?? fetch)(hook.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'x-mcpeeker-event': notice.kind,
            'x-mcpeeker-timestamp': timestamp,
            'x-mcpeeker-signature': `sha256=${signWebhook(
              hook.secret,
              timestamp,
              body,
            )}`,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        }).then(res => {
          if (!res.ok) throw new Error(`HTTP ${res.status}`);
        }),
      });
    }
    const results = await Promise.allSettled(jobs.map(j => j.job));
    results.forEach((r, i) => {
      if (r.status === 'rejected')
        logger.warn(
          `MCPeeker notification '${text.title}' through ${
            jobs[i].channel
          } failed: ${(r.reason as Error)?.message ?? r.reason}`,
        );
    });
  }
}
