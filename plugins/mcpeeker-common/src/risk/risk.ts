import { z } from 'zod';

/**
 * Risk facts: what an MCP server can do or how it is set up, decided on the
 * endpoint from what the agent already reads (config entries, the port
 * handshake's tool list), each with redacted evidence and a plain-language
 * fix. The agent finds them, the backend scores them, the UI shows them:
 * this table is the one description of every kind for all three.
 */

/** How bad a fact is on its own, before the backend weighs it. @public */
export const RISK_SEVERITIES = ['low', 'medium', 'high'] as const;
/** @public */
export type RiskSeverity = (typeof RISK_SEVERITIES)[number];

/** Every kind of risk fact, in the order reports list them. @public */
export const RISK_KIND_IDS = [
  'inline-secret',
  'credentials-over-http',
  'plain-http-remote',
  'broad-filesystem',
  'docker-privileged',
  'docker-socket',
  'docker-root-mount',
  'docker-host-network',
  'shell-or-code-execution',
  'tool-poisoning',
  'auto-approved-tools',
  'unpinned-package',
  'unknown-publisher',
] as const;
/** @public */
export type RiskKind = (typeof RISK_KIND_IDS)[number];

/** What every fact of one kind shares. @public */
export interface RiskKindDefinition {
  /** The severity facts of this kind carry unless a finder says otherwise. */
  severity: RiskSeverity;
  /** One line, as a list shows it. */
  title: string;
  /** What the kind means and why it matters. */
  description: string;
  /** The generic fix; each fact carries its own, specific one. */
  fix: string;
  /** The kind as a SARIF rule (`scan --format sarif`, code scanning). */
  sarif: { id: string; name: string };
}

/**
 * Every risk kind: severity, title, what it means, the generic fix and its
 * SARIF rule. docs/agent.md lists the same table.
 *
 * @public
 */
export const RISK_KINDS: Record<RiskKind, RiskKindDefinition> = {
  'inline-secret': {
    severity: 'high',
    title: 'Secret written in the config',
    description:
      'A token, key or password is written in the config file itself (an env value, a header, an argument or the URL) instead of a reference to the environment or a secret store. Anyone who can read the file, its backups or the repository it is committed to has the secret.',
    fix: 'Move the secret out of the file: set it in the environment or a secret store and refer to it (`${VAR}`, `${env:VAR}` or `$VAR`, whichever the client supports), then rotate it, since it has been on disk in clear text.',
    sarif: { id: 'MCPEEKER001', name: 'InlineSecret' },
  },
  'credentials-over-http': {
    severity: 'high',
    title: 'Credentials sent over plain HTTP',
    description:
      'A remote server is reached over http:// to a host that is not this machine, and the config sends it credentials (an Authorization or API-key header, a password or token in the URL). Anyone on the network path can read them.',
    fix: 'Use the server’s https:// URL before sending any credential, and rotate the credentials that were sent over http://.',
    sarif: { id: 'MCPEEKER002', name: 'CredentialsOverHttp' },
  },
  'plain-http-remote': {
    severity: 'medium',
    title: 'Remote server over plain HTTP',
    description:
      'A remote server is reached over http:// to a host that is not this machine: its tool calls and answers travel unencrypted and can be read or changed on the way.',
    fix: 'Use the server’s https:// URL.',
    sarif: { id: 'MCPEEKER003', name: 'PlainHttpRemote' },
  },
  'broad-filesystem': {
    severity: 'high',
    title: 'Filesystem access to a root or the home folder',
    description:
      'The server is given `/`, the home folder or a drive root (`C:\\`) as the folder it may work in, or that folder is mounted into its container: it can read and change every file the user can, SSH keys and cloud credentials included.',
    fix: 'Give the server only the folders it needs (the project’s own path), not `/`, the home folder or a drive root.',
    sarif: { id: 'MCPEEKER004', name: 'BroadFilesystemAccess' },
  },
  'docker-privileged': {
    severity: 'high',
    title: 'Container runs privileged',
    description:
      '`docker run --privileged` (or `--cap-add ALL` / `SYS_ADMIN`) gives the container nearly every power of root on the host.',
    fix: 'Remove `--privileged` and broad `--cap-add`; grant only the capability or device the server needs.',
    sarif: { id: 'MCPEEKER005', name: 'DockerPrivileged' },
  },
  'docker-socket': {
    severity: 'high',
    title: 'Docker socket mounted into the container',
    description:
      'The Docker socket is mounted into the container: whoever controls the server can start containers on the host, which is root on the host.',
    fix: 'Do not mount the Docker socket; if the server must manage containers, give it a restricted Docker API proxy instead.',
    sarif: { id: 'MCPEEKER006', name: 'DockerSocketMounted' },
  },
  'docker-root-mount': {
    severity: 'high',
    title: 'Host root filesystem mounted into the container',
    description:
      'The host’s `/` is mounted into the container: the container isolates nothing from the host’s files.',
    fix: 'Mount only the folders the server needs, read-only where it can be (`-v /path/to/project:/work:ro`), not `/`.',
    sarif: { id: 'MCPEEKER007', name: 'DockerRootMount' },
  },
  'docker-host-network': {
    severity: 'medium',
    title: 'Container shares the host network',
    description:
      '`--network host` puts the container on the host’s network stack: it reaches every service listening on the host’s loopback and its ports are open wherever the host’s are.',
    fix: 'Remove `--network host`; publish only the port the server needs, on loopback (`-p 127.0.0.1:PORT:PORT`).',
    sarif: { id: 'MCPEEKER008', name: 'DockerHostNetwork' },
  },
  'shell-or-code-execution': {
    severity: 'high',
    title: 'Shell or code execution',
    description:
      'The server runs shell commands or code its caller chooses (known shell and code-runner servers, or tools named for it): a model that is misled can run anything the user can.',
    fix: 'Run it only where a command cannot do harm (a container or VM without your credentials), keep every call asking for approval, or replace it with a server whose tools do one specific thing.',
    sarif: { id: 'MCPEEKER009', name: 'ShellOrCodeExecution' },
  },
  'tool-poisoning': {
    severity: 'high',
    title: 'Tool descriptions carry instructions to the model',
    description:
      'A tool description on the running server speaks to the model rather than describing the tool: hidden directives, “ignore previous instructions”, requests to read other tools’ data or credential files, or invisible characters. This is the tool-poisoning pattern.',
    fix: 'Stop using the server and remove it from every client until its publisher explains the description; report it; if it is yours, rewrite the description to describe only what the tool does.',
    sarif: { id: 'MCPEEKER010', name: 'ToolPoisoning' },
  },
  'auto-approved-tools': {
    severity: 'medium',
    title: 'Tools run without asking',
    description:
      'The client is set to run this server’s tools without asking first (auto-approve, always-allow, trust), so a misled model acts without the user seeing it.',
    fix: 'Remove the auto-approve setting so the client asks before each call, or keep it only for tools that read and never change anything.',
    sarif: { id: 'MCPEEKER011', name: 'AutoApprovedTools' },
  },
  'unpinned-package': {
    severity: 'medium',
    title: 'Unpinned package',
    description:
      'The server is fetched and run at whatever version is newest at start-up (`npx -y pkg`, `uvx pkg`, an image without a tag or `:latest`, a version range): a compromised or broken release runs the next time the client starts.',
    fix: 'Pin an exact version (`pkg@1.2.3`, `pkg==1.2.3`, `image:1.2.3` or better `image@sha256:…`) and update it deliberately.',
    sarif: { id: 'MCPEEKER012', name: 'UnpinnedPackage' },
  },
  'unknown-publisher': {
    severity: 'low',
    title: 'Not in the MCP registry',
    description:
      'The server’s package (or remote host) is not in the agent’s snapshot of the official MCP registry (nor, for a remote host, among the known public MCP endpoints the agent ships): nobody vouches for its publisher.',
    fix: 'Check who publishes it (repository, maintainers, downloads) before trusting it; prefer a server listed in the MCP registry, or declare this one in MCPeeker’s registry with its purpose and owner.',
    sarif: { id: 'MCPEEKER013', name: 'UnknownPublisher' },
  },
};

/** Most facts one detection carries: the most severe are kept. @public */
export const MAX_RISK_FACTS = 32;

/** @public */
export const riskLocationSchema = z
  .object({
    /** The file the fact is about: the config file, or the settings file that approves the tools. */
    file: z.string().min(1).max(4096),
    /** Where in it, e.g. `$.mcpServers.github.env.GITHUB_TOKEN`. */
    jsonPath: z.string().max(1024).optional(),
    line: z.number().int().positive().optional(),
    column: z.number().int().positive().optional(),
  })
  .strict();

/**
 * One risk fact, as the agent reports it on a detection. Nothing secret:
 * `evidence` names the kind and the place of a secret, never its value.
 *
 * @public
 */
export const riskFactSchema = z
  .object({
    kind: z.enum(RISK_KIND_IDS),
    severity: z.enum(RISK_SEVERITIES),
    title: z.string().min(1).max(200),
    /** What was seen and where, redacted: "env GITHUB_TOKEN holds a GitHub token". */
    evidence: z.string().min(1).max(1024),
    /** What to change, in plain words, for this server. */
    fix: z.string().min(1).max(1024),
    location: riskLocationSchema.optional(),
  })
  .strict();
/** @public */
export type RiskFact = z.infer<typeof riskFactSchema>;
/** @public */
export type RiskLocation = z.infer<typeof riskLocationSchema>;

/**
 * A risk fact as a finding holds it: with the owners of the endpoints whose
 * latest reports carry it. Someone who may see only their own evidence sees
 * only the facts their endpoints reported (a shared host's other owners keep
 * their config files and what is in them to themselves).
 *
 * @public
 */
export type FindingRiskFact = RiskFact & {
  /** Whose endpoints reported it (entity refs, sorted); absent when no report named an owner. */
  owners?: string[];
};

/** low 1, medium 2, high 3: compare severities with it. @public */
export const RISK_SEVERITY_RANK: Record<RiskSeverity, number> = {
  low: 1,
  medium: 2,
  high: 3,
};

/** Whether `severity` is `threshold` or worse. @public */
export function severityAtLeast(
  severity: RiskSeverity,
  threshold: RiskSeverity,
): boolean {
  return RISK_SEVERITY_RANK[severity] >= RISK_SEVERITY_RANK[threshold];
}

/**
 * Facts in report order (most severe first, then by kind) and at most
 * MAX_RISK_FACTS of them; one fact per kind and place.
 *
 * @public
 */
export function orderRiskFacts(facts: RiskFact[]): RiskFact[] {
  const seen = new Set<string>();
  const unique = facts.filter(f => {
    const key = JSON.stringify([
      f.kind,
      f.location?.file,
      f.location?.jsonPath,
      f.evidence,
    ]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique
    .sort(
      (a, b) =>
        RISK_SEVERITY_RANK[b.severity] - RISK_SEVERITY_RANK[a.severity] ||
        RISK_KIND_IDS.indexOf(a.kind) - RISK_KIND_IDS.indexOf(b.kind),
    )
    .slice(0, MAX_RISK_FACTS);
}
