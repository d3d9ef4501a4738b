import { Config } from '@backstage/config';
import { checkKnownKeys, McpeekerConfigError } from '../checkedConfig';
import { NOTICE_KINDS, WebhookConfig } from './RegistryNotifier';

/** The registry's outward faces: `mcpeeker.registryApi` and `mcpeeker.notifications`. */
export interface RegistryConfig {
  /** The read-only MCP Registry API view of approved entries. */
  registryApi: { allowUnauthenticated: boolean };
  /** Outgoing webhooks for registry notices. */
  webhooks: WebhookConfig[];
}

/** What a webhook may subscribe to: every kind of notice. */
const WEBHOOK_EVENTS: readonly string[] = NOTICE_KINDS;

function readWebhook(hook: Config, at: string): WebhookConfig {
  checkKnownKeys(
    hook,
    { name: true, url: true, secret: true, format: true, events: true },
    at,
  );
  const url = hook.getOptionalString('url');
  if (!url || !/^https?:\/\/[^\s]+$/.test(url))
    throw new McpeekerConfigError(`${at}.url`, 'must be an http(s) URL');
  const secret = hook.getOptionalString('secret');
  if (!secret || secret.length < 16)
    throw new McpeekerConfigError(
      `${at}.secret`,
      'is required, at least 16 characters (receivers check the signature with it)',
    );
  const format = hook.getOptionalString('format') ?? 'json';
  if (!['slack', 'teams', 'pagerduty', 'json'].includes(format))
    throw new McpeekerConfigError(
      `${at}.format`,
      `must be one of slack, teams, pagerduty, json, got '${format}'`,
    );
  const events = hook.getOptionalStringArray('events') ?? [];
  const unknown = events.filter(e => !WEBHOOK_EVENTS.includes(e));
  if (unknown.length > 0)
    throw new McpeekerConfigError(
      `${at}.events`,
      `has unknown events ${unknown.join(', ')} (known: ${WEBHOOK_EVENTS.join(
        ', ',
      )})`,
    );
  return {
    name: hook.getOptionalString('name') ?? url.replace(/[?#].*$/, ''),
    url,
    secret,
    format: format as WebhookConfig['format'],
    events: events as WebhookConfig['events'],
  };
}

/** Reads `mcpeeker.notifications.webhooks` and `mcpeeker.registryApi` from the `mcpeeker` block. */
export function readRegistryConfig(config: Config | undefined): RegistryConfig {
  const webhooks = (
    config?.getOptionalConfigArray('notifications.webhooks') ?? []
  ).map((hook, i) =>
    readWebhook(hook, `mcpeeker.notifications.webhooks[${i}]`),
  );
  return {
    webhooks,
    registryApi: {
      allowUnauthenticated:
        config?.getOptionalBoolean('registryApi.allowUnauthenticated') ?? false,
    },
  };
}
