/** What the form needs of a zod schema from common: its verdict and issues. */
type Checkable = {
  safeParse(value: unknown):
    | { success: true }
    | {
        success: false;
        error: { issues: Array<{ path: PropertyKey[]; message: string }> };
      };
};

/** The form's words for the API's field names. */
const FIELD_WORDS: Record<string, string> = {
  name: 'Name',
  team: 'Team',
  owner: 'Owner',
  purpose: 'Purpose',
  transport: 'Transport',
  expiresAt: 'Expiry',
  identity: 'What identifies the server',
  packageId: 'Package',
  'identity.packageId': 'Package',
  packageVersion: 'Version',
  'identity.packageVersion': 'Version',
  'identity.remoteUrl': 'Remote URL',
  remoteUrl: 'Remote URL',
  serverJson: 'server.json',
};

/** Where a problem is shown: the form field of an API field (`identity.packageId` → `packageId`). */
function fieldOf(path: string): string {
  if (path === 'identity.packageId') return 'packageId';
  if (path === 'identity.packageVersion') return 'packageVersion';
  if (path === 'identity.remoteUrl') return 'remoteUrl';
  if (path.startsWith('identity')) return 'identity';
  if (path.startsWith('serverJson')) return 'serverJson';
  return path.split('.')[0];
}

/**
 * A reason in words: no internal field names, such as those the identity
 * rule lists. A server.json's own fields keep their names (what its author
 * wrote): `server.json description must not be empty`.
 */
function inWords(field: string, message: string, path = field): string {
  if (field === 'identity' && /needs at least one of/.test(message))
    return 'Give a package or a remote URL, or register from a finding.';
  if (/^this server/.test(message)) return `T${message.slice(1)}`;
  const words =
    field === 'serverJson' && path.startsWith('serverJson.')
      ? `server.json ${path.slice('serverJson.'.length)}`
      : FIELD_WORDS[field] ?? field;
  return `${words} ${message}`;
}

/**
 * Each field's first problem with `value` by `schema` (the one the backend
 * checks with), in words, keyed by form field (`form` for the rest).
 */
export function fieldProblems(
  schema: Checkable,
  value: unknown,
): Record<string, string> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return {};
  const out: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const path = issue.path.map(String).join('.');
    const field = path ? fieldOf(path) : 'form';
    out[field] ??= inWords(path ? field : 'form', issue.message, path);
  }
  return out;
}

/**
 * The backend's refusal, split by field where it names one ("Invalid
 * registration: purpose must be …; team group:default/x is not in the
 * catalog", "identity: this server is already registered …").
 */
export function problemsFromServer(message: string): Record<string, string> {
  const out: Record<string, string> = {};
  const body = message.replace(/^Invalid [a-z ]+: /i, '');
  for (const part of body.split('; ')) {
    const match = part.match(
      /^(?:registration: |change: )?([a-zA-Z.]+):? (.+)$/,
    );
    const field = match && fieldOf(match[1]);
    if (match && field && field in FIELD_WORDS)
      out[field] ??= inWords(field, match[2], match[1]);
    else out.form = out.form ? `${out.form}; ${part}` : part;
  }
  return out;
}
