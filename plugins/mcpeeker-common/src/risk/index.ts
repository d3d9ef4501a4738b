export * from './risk';
export {
  findInlineSecrets,
  describeSecret,
  isCredentialName,
} from './inlineSecrets';
export type { InlineSecret } from './inlineSecrets';
export {
  fileUri,
  RISK_SARIF_LEVELS,
  riskSarifResult,
  riskSarifRules,
} from './riskSarif';
export { fixForRegistry, fixRegistryStanding, registryAdvice } from './riskFix';
export type { FixRegistryStanding } from './riskFix';
export {
  isMcpProjectPackage,
  isMcpReferenceServer,
  MCP_PROJECT_PACKAGES,
} from './mcpProjectPackages';
