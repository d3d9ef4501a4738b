import {
  AGENT_CREDENTIAL_HEADER,
  registryServerListSchema,
  type ServerJson,
} from '@mcpeeker/plugin-mcpeeker-common';

/** The portal could not be asked, or did not answer as the Registry API does; the message names the URL and the field. */
export class RegistryApiError extends Error {}

/** The most pages read: 100 servers a page, far beyond any organisation's approved list. */
const MAX_PAGES = 100;

/**
 * The portal's approved servers, the latest version of each, from the MCP
 * Registry API it serves (`<base>/v0.1/servers`), every page. `base` is the
 * backend's MCPeeker base, e.g. `https://portal.example.com/api/mcpeeker`.
 */
export async function fetchApprovedServers(options: {
  base: string;
  /** The agents' service token, when the Registry API is not open. */
  token?: string;
  /** Or this agent's own credential (`mcpeeker-agent enrol`), sent when there is no token. */
  credential?: string;
  fetch?: typeof fetch;
}): Promise<ServerJson[]> {
  const get = options.fetch ?? fetch;
  const servers: ServerJson[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < MAX_PAGES; page++) {
    const url = new URL(`${options.base.replace(/\/+$/, '')}/v0.1/servers`);
    url.searchParams.set('version', 'latest');
    url.searchParams.set('limit', '100');
    if (cursor) url.searchParams.set('cursor', cursor);
    const where = `GET ${url.origin}${url.pathname}`;
    let response: Response;
    try {
      response = await get(url, {
        headers: {
          accept: 'application/json',
          ...(options.token
            ? { authorization: `Bearer ${options.token}` }
            : {}),
          ...(!options.token && options.credential
            ? { [AGENT_CREDENTIAL_HEADER]: options.credential }
            : {}),
        },
        signal: AbortSignal.timeout(30_000),
      });
    } catch (error) {
      throw new RegistryApiError(
        `${where}: cannot reach the portal (${
          (error as Error).cause
            ? ((error as Error).cause as Error).message
            : (error as Error).message
        })`,
      );
    }
    const text = await response.text();
    if (!response.ok) {
      let reason = '';
      try {
        reason = JSON.parse(text)?.error?.message ?? '';
      } catch {
        // Not the backend's JSON error: the status says enough.
      }
      throw new RegistryApiError(
        `${where}: HTTP ${response.status}${reason ? `: ${reason}` : ''}${
          response.status === 401
            ? ' (set MCPEEKER_TOKEN to the agents’ service token, enrol the agent with mcpeeker-agent enrol, or open the Registry API: mcpeeker.registryApi.allowUnauthenticated)'
            : ''
        }`,
      );
    }
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      throw new RegistryApiError(`${where}: the answer is not JSON`);
    }
    const parsed = registryServerListSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new RegistryApiError(
        `${where}: not a Registry API answer: ${
          issue.path.join('.') || '(the body)'
        }: ${issue.message}`,
      );
    }
    for (const item of parsed.data.servers) {
      const official =
        item._meta?.['io.modelcontextprotocol.registry/official'];
      if (official && official.status !== 'active') continue;
      if (official?.isLatest === false) continue;
      servers.push(item.server);
    }
    cursor = parsed.data.metadata?.nextCursor;
    if (!cursor) return servers;
  }
  throw new RegistryApiError(
    `GET ${options.base}/v0.1/servers: more than ${MAX_PAGES} pages; not writing a partial allowlist`,
  );
}
