export * from './risk';
export {
  findInlineSecrets,
  describeSecret,
  isCredentialName,
} from './inlineSecrets';
export type { InlineSecret } from './inlineSecrets';
