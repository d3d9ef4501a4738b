import fs from 'node:fs';
import path from 'node:path';
import { AgentConfigError } from './agentConfig';

/** What `mcpeeker-agent enrol` keeps: this agent's own credential and where it was issued. */
export interface AgentCredential {
  agentId: string;
  owner: string;
  hostIdHash: string;
  /** The portal backend's base, e.g. `http://localhost:7007/api/mcpeeker`. */
  url: string;
  enrolledAt: string;
  credential: string;
}

/** The saved credential, or `undefined` when the agent was never enrolled. */
export function readAgentCredential(file: string): AgentCredential | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new AgentConfigError(
      `${file}: cannot be read (${
        (error as NodeJS.ErrnoException).code ?? (error as Error).message
      })`,
    );
  }
  let doc: any;
  try {
    doc = JSON.parse(text);
  } catch {
    throw new AgentConfigError(
      `${file}: not an agent credential (not JSON); enrol again with mcpeeker-agent enrol`,
    );
  }
  for (const field of ['credential', 'url', 'agentId'] as const) {
    if (typeof doc?.[field] !== 'string' || doc[field] === '')
      throw new AgentConfigError(
        `${file}: ${field} is missing; enrol again with mcpeeker-agent enrol`,
      );
  }
  return doc as AgentCredential;
}

/** Saves the credential readable by this user only (0600, in a 0700 folder), replacing any older one at once. */
export function writeAgentCredential(
  file: string,
  credential: AgentCredential,
): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(credential, null, 2)}\n`, {
    mode: 0o600,
  });
  fs.chmodSync(temporary, 0o600);
  fs.renameSync(temporary, file);
}
