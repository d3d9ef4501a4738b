/**
 * Where a host status travels over NATS. An agent publishes its endpoint
 * events on `<prefix>.<hostIdHash>` (`mcp.endpoint.<hash>` by default) and,
 * after a scan with no event to send, its host status on
 * `<prefix>.status.<hostIdHash>`, inside the same stream subjects
 * (`<backend prefix>.endpoint.>`). A host id hash is hex, never `status`, so
 * the two cannot be taken for one another.
 */
const HOST_STATUS_TOKEN = 'status';

/** The subject of a host's status, under the agent's endpoint subject prefix. @public */
export function hostStatusSubject(
  endpointPrefix: string,
  hostIdHash: string,
): string {
  return `${endpointPrefix}.${HOST_STATUS_TOKEN}.${hostIdHash}`;
}

/** Whether a message on `subject` is a host status, under the endpoint subject prefix. @public */
export function isHostStatusSubject(
  subject: string,
  endpointPrefix: string,
): boolean {
  const start = `${endpointPrefix}.${HOST_STATUS_TOKEN}.`;
  return subject.startsWith(start) && subject.length > start.length;
}
