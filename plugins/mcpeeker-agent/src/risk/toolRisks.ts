import { FoundFact, riskFact } from './riskFact';
import { plural } from '../plural';

/** A tool as `tools/list` returns it. */
export interface ListedTool {
  name: string;
  description?: unknown;
  inputSchema?: unknown;
}

interface PoisonPattern {
  /** What the pattern means, as the evidence says it. */
  label: string;
  pattern: RegExp;
}

/**
 * Text in a tool description that speaks to the model instead of describing
 * the tool: the patterns published tool-poisoning attacks use. Each is
 * narrow enough that an ordinary description ("Reads a file", "Requires a
 * token with the repo scope") does not match.
 */
const POISON_PATTERNS: PoisonPattern[] = [
  {
    label: 'tells the model to ignore its instructions',
    pattern:
      /\b(?:ignore|disregard|forget|override)\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier|preceding|other|system)\s+(?:instructions|prompts?|directions|rules|messages)\b/i,
  },
  {
    label: 'carries a hidden directive tag',
    pattern:
      /<\s*\/?\s*(?:important|system|instructions?|secret|hidden|admin|override|sudo)\b[^>]{0,40}>|\[\/?INST\]|<\|im_(?:start|end)\|>|<!--[\s\S]{0,2000}?-->/i,
  },
  {
    label: 'tells the model to keep something from the user',
    pattern:
      /\b(?:do\s+not|don't|never)\s+(?:tell|mention|inform|reveal|show|notify|alert)\s+(?:this\s+to\s+)?(?:the\s+user|users|anyone|the\s+human)\b|\bwithout\s+(?:telling|informing|notifying|alerting)\s+(?:the\s+user|anyone)\b|\b(?:hide|conceal)\s+(?:this|it)\s+from\s+the\s+user\b|\bthe\s+user\s+(?:must|should)\s+not\s+(?:know|see|notice)\b/i,
  },
  {
    label: 'gives instructions about other tools',
    pattern:
      /\bwhen\s+this\s+tool\s+is\s+available\b|\b(?:before|instead\s+of)\s+(?:using|calling|invoking)\s+(?:any|another|other|the\s+[\w-]+)\s+tools?\b|\b(?:all|every|any)\s+other\s+tools?\b|\b[\w-]+\s+tool\s+(?:must|should|shall)\s+(?:also\s+)?(?:send|forward|include|use|call|be\s+called)\b/i,
  },
  {
    label: 'asks to read a file before the tool runs',
    pattern:
      /\bbefore\s+(?:using|calling)\s+this\s+tool\b[^.]{0,80}\b(?:read|open|cat|load|fetch|include|send)\b/i,
  },
  {
    // A verb asking for the file: a server that merely says where it reads
    // its own credentials from ("uses ~/.aws/credentials") does not match.
    label: 'asks for a credential or client config file',
    pattern:
      /\b(?:read|send|pass|include|cat|open|upload|provide|attach|copy|append|forward|contents?\s+of)\b[^.\n]{0,60}(?:\.ssh\b|\.aws[/\\]credentials|\.netrc\b|\.git-credentials|\.pgpass|\bid_(?:rsa|dsa|ecdsa|ed25519)\b|\/etc\/(?:passwd|shadow)\b|claude_desktop_config\.json|\.cursor[/\\]mcp\.json|\bmcp\.json\b)/i,
  },
  {
    label: 'addresses the model directly',
    pattern:
      /\b(?:the\s+)?(?:AI|assistant|model|LLM)\s+(?:must|should|shall)\s+(?:always|never|first|not|secretly)\b|\byour\s+(?:system\s+prompt|instructions)\b|\bnew\s+instructions\s*:/i,
  },
];

/** Characters that render as nothing: zero-width, bidirectional controls, Unicode tags. */
const INVISIBLE =
  /[\u00AD\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]|[\u{E0000}-\u{E007F}]/gu;

const codePoint = (ch: string) =>
  `U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;

/** The description and every string of the input schema (parameter descriptions are read by the model too). */
function textsOf(tool: ListedTool): Array<{ where: string; text: string }> {
  const texts: Array<{ where: string; text: string }> = [];
  if (typeof tool.description === 'string')
    texts.push({ where: 'description', text: tool.description });
  const walk = (value: unknown, where: string, depth: number) => {
    if (depth > 8 || texts.length > 200) return;
    if (typeof value === 'string') texts.push({ where, text: value });
    else if (Array.isArray(value))
      value.forEach(v => walk(v, where, depth + 1));
    else if (value && typeof value === 'object') {
      for (const [key, v] of Object.entries(value))
        walk(v, key === 'properties' ? where : `${where}.${key}`, depth + 1);
    }
  };
  walk(tool.inputSchema, 'input schema', 0);
  return texts;
}

const quote = (text: string) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return `"${flat.length > 60 ? `${flat.slice(0, 59)}…` : flat}"`;
};

/**
 * `tool-poisoning`: tool descriptions (and input-schema texts) on a live
 * server that carry instructions to the model or invisible characters.
 * Evidence quotes at most 60 characters of each match.
 */
export function toolPoisoningRisks(tools: ListedTool[]): FoundFact[] {
  const facts: FoundFact[] = [];
  for (const tool of tools.slice(0, 1000)) {
    const findings: string[] = [];
    for (const { where, text } of textsOf(tool)) {
      const sample = text.slice(0, 20_000);
      for (const { label, pattern } of POISON_PATTERNS) {
        const match = pattern.exec(sample);
        if (match && !findings.some(f => f.startsWith(label)))
          findings.push(`${label} (${where}: ${quote(match[0])})`);
      }
      const invisible = sample.match(INVISIBLE);
      if (invisible && !findings.some(f => f.startsWith('hides')))
        findings.push(
          `hides ${plural(
            invisible.length,
            'invisible character',
          )} in its ${where} (${[...new Set(invisible.map(codePoint))]
            .slice(0, 4)
            .join(', ')})`,
        );
    }
    if (findings.length === 0) continue;
    const name = String(tool.name).slice(0, 128);
    facts.push(
      riskFact(
        'tool-poisoning',
        `tool ${name}: ${findings.join('; ')}`.slice(0, 1024),
        {
          fix: `Stop using this server and remove it from your clients until its publisher explains the ${name} tool's description; report it to your security team. If the server is yours, make the description say only what ${name} does.`,
        },
      ),
    );
  }
  return facts;
}

/** Tool names that mean "run a command or code": exact, after lower-casing and `-` → `_`. */
const SHELL_TOOL_NAMES = new Set([
  'shell',
  'bash',
  'zsh',
  'powershell',
  'terminal',
  'exec',
  'execute',
  'shell_exec',
  'shell_execute',
  'execute_command',
  'run_command',
  'run_in_terminal',
  'run_terminal_command',
  'run_terminal_cmd',
  'execute_shell_command',
  'run_shell_command',
  'execute_bash',
  'run_bash',
  'start_process',
  'execute_code',
  'run_code',
  'execute_python',
  'run_python',
  'run_python_code',
  'python_repl',
  'execute_javascript',
  'run_javascript',
  'eval_python',
  'eval_javascript',
]);
const SHELL_TOOL_PATTERN =
  /^(?:run|exec|execute|invoke)_(?:shell|bash|zsh|powershell|terminal|cmd|command|commands|script|code|python|javascript|node)(?:_command|_code)?$/;

/** `shell-or-code-execution` on a live server: tools named for running commands or code. */
export function shellToolRisks(tools: ListedTool[]): FoundFact[] {
  const found = tools
    .map(t => String(t.name))
    .filter(name => {
      const bare = name.toLowerCase().replace(/-/g, '_');
      return SHELL_TOOL_NAMES.has(bare) || SHELL_TOOL_PATTERN.test(bare);
    });
  if (found.length === 0) return [];
  const names = found.slice(0, 5).map(n => n.slice(0, 64));
  return [
    riskFact(
      'shell-or-code-execution',
      `the server offers ${
        found.length === 1 ? 'a tool' : 'tools'
      } to run commands or code: ${names.join(', ')}${
        found.length > 5 ? ', …' : ''
      }`,
      {
        fix: `Keep the client asking before every call to ${names[0]}, and run this server only where a command cannot reach your credentials or files (a container or VM).`,
      },
    ),
  ];
}
