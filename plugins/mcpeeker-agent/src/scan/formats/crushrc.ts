/** One simple command of a Bash file, its words as the shell would split them (nothing expanded). */
export interface ShellCommand {
  words: string[];
  /** Offset of the command's first word in the text. */
  offset: number;
}

/** Crush's `crushrc`: the simple commands it holds, for a static reading. */
export interface CrushrcDocument {
  commands: ShellCommand[];
}

/** Words that open or close a compound command; what follows them on the line is a command. */
const RESERVED = new Set([
  'then',
  'else',
  'do',
  'if',
  'elif',
  'while',
  'until',
  '{',
  '}',
  '!',
  'time',
]);

/**
 * Splits Bash text into simple commands without running any of it: quotes
 * (`'…'`, `"…"` with `\"`, `\\`, `\$`), backslash escapes and line
 * continuations, `#` comments, and the separators `;`, `&`, `|`, `&&`, `||`
 * and newlines. `$VAR`, `${…}` and `$(…)` are kept as written (a
 * `$(…)` whole, even across blanks), since their value is not known without
 * running the file. Words of `if`, `then`, `do`, `{`… before a command are
 * dropped, so a command inside a condition is read like any other.
 */
export function parseCrushrc(text: string): CrushrcDocument {
  const commands: ShellCommand[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let commandOffset = 0;
  const endWord = () => {
    if (word === undefined) return;
    if (words.length === 0 && RESERVED.has(word)) {
      word = undefined;
      return;
    }
    words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length > 0) commands.push({ words, offset: commandOffset });
    words = [];
  };
  const append = (chars: string, at: number) => {
    if (word === undefined) {
      word = '';
      if (words.length === 0) commandOffset = at;
    }
    word += chars;
  };
  /** `$(…)` from `start` (at the `$`): the offset after its closing `)`. */
  const substitutionEnd = (start: number) => {
    let depth = 0;
    for (let j = start + 1; j < text.length; j++) {
      if (text[j] === '(') depth++;
      else if (text[j] === ')' && --depth === 0) return j + 1;
    }
    return text.length;
  };

  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\\') {
      if (text[i + 1] === '\n') i += 2;
      else {
        append(text[i + 1] ?? '', i);
        i += 2;
      }
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      const close = end < 0 ? text.length : end;
      append(text.slice(i + 1, close), i);
      i = close + 1;
    } else if (c === '"') {
      append('', i);
      let j = i + 1;
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && '"\\$`\n'.includes(text[j + 1] ?? '')) {
          if (text[j + 1] !== '\n') append(text[j + 1], j);
          j += 2;
        } else if (text[j] === '$' && text[j + 1] === '(') {
          const end = substitutionEnd(j);
          append(text.slice(j, end), j);
          j = end;
        } else {
          append(text[j], j);
          j++;
        }
      }
      i = j + 1;
    } else if (c === '$' && text[i + 1] === '(') {
      const end = substitutionEnd(i);
      append(text.slice(i, end), i);
      i = end;
    } else if (c === '#' && word === undefined) {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end;
    } else if (c === '\n' || c === ';' || c === '&' || c === '|') {
      endCommand();
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      endWord();
      i++;
    } else {
      append(c, i);
      i++;
    }
  }
  endCommand();
  return { commands };
}
