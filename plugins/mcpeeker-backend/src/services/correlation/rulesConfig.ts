import { Config } from '@backstage/config';

/** Which rule files the signature engine loads: `mcpeeker.rules`. */
export interface RulesConfig {
  /** The community rules shipped with the plugin. */
  community: boolean;
  /** Folders of the operator's own rule files. */
  directories: string[];
}

/** Reads `mcpeeker.rules` from the `mcpeeker` block. */
export function readRulesConfig(config: Config | undefined): RulesConfig {
  return {
    community: config?.getOptionalBoolean('rules.community') ?? true,
    directories: config?.getOptionalStringArray('rules.directories') ?? [],
  };
}
