/**
 * What the MCPeeker browser plugin, backend plugin and agent share: the event
 * schemas, server identity and host-id hashing, secret redaction, permissions,
 * the health report's shape and agent enrolment's.
 *
 * @packageDocumentation
 */

export * from './events/schema';
export * from './findings/finding';
export * from './findings/breakdownWords';
export * from './findings/triage';
export * from './findings/analytics';
export { computeEventId } from './events/eventId';
export {
  validateEvent,
  validateHostStatus,
  createEvent,
  formatValidationIssues,
  describeRejection,
} from './events/validation';
export type {
  IngestResult,
  EventValidationIssue,
  EventValidationResult,
  HostStatusValidationResult,
  McpEventContent,
} from './events/validation';
export {
  hostStatusSubject,
  isHostStatusSubject,
} from './events/hostStatusSubject';
export { eventJsonSchema } from './events/jsonSchema';
export {
  compositeId,
  commandSignature,
  normalizeServerUrl,
  COMPOSITE_ID_PATTERN,
  COMPOSITE_ID_PREFIX,
} from './identity/compositeId';
export type { ServerIdentity } from './identity/compositeId';
export {
  commandPackage,
  commandPackageArguments,
  commandTarget,
  serverNameFromCommand,
  splitPackageSpec,
} from './identity/commandTarget';
export { toolDefinitionHash, bareToolName } from './identity/toolDefinition';
export {
  toolSet,
  toolSetChange,
  toolSetFingerprint,
  summarizeToolSetChange,
} from './identity/toolSet';
export type { ToolRef, ToolSetChange } from './identity/toolSet';
export { hashIdentifier, canonicalJson, sha256Hex } from './identity/hashing';
export { DEVELOPMENT_HOST_ID_SALT } from './identity/developmentSalt';
export {
  USER_REF_PATTERN,
  GROUP_REF_PATTERN,
  OWNER_REF_PATTERN,
} from './identity/entityRefs';
export {
  hostLabelSchema,
  hostName,
  HOST_ID_SHOWN,
  MAX_HOST_LABEL_LENGTH,
} from './identity/hostName';
export {
  redactSecrets,
  REDACTION_MARKER_PATTERN,
} from './redaction/redactSecrets';
export type {
  RedactionOptions,
  RedactionResult,
} from './redaction/redactSecrets';
export {
  exceedsJsonDepth,
  findNulCharacter,
  nulCharacterMessage,
  MAX_JSON_DEPTH,
} from './json/untrustedJson';
export * from './permissions/permissions';
export * from './health';
export * from './agents';
export * from './registry/registry';
export * from './registry/serverJson';
export * from './registry/allowedCommand';
export * from './registry/registryCoverage';
export * from './registry/registryApi';
export * from './registry/audit';
export { isAllowedServerUrl, serverUrlSchema } from './registry/serverUrl';
export * from './catalog/mcpServerEntity';
export * from './sarif/sarif';
export * from './risk';
