const CONTEXT = 3;

type Line = { op: ' ' | '-' | '+'; text: string };

/** The lines of `before` and `after` aligned by their longest common subsequence. */
function lineOps(before: string[], after: string[]): Line[] {
  const n = before.length;
  const m = after.length;
  // Policy files are small (a few hundred lines): the quadratic table is fine.
  const common: number[][] = Array.from({ length: n + 1 }, () =>
    new Array<number>(m + 1).fill(0),
  );
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      common[i][j] =
        before[i] === after[j]
          ? common[i + 1][j + 1] + 1
          : Math.max(common[i + 1][j], common[i][j + 1]);
  const ops: Line[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      ops.push({ op: ' ', text: before[i++] });
      j++;
    } else if (i < n && (j === m || common[i + 1][j] >= common[i][j + 1]))
      // Removals before additions, as diff -u shows a changed line.
      ops.push({ op: '-', text: before[i++] });
    else ops.push({ op: '+', text: after[j++] });
  }
  return ops;
}

const splitLines = (text: string) =>
  text === '' ? [] : text.replace(/\n$/, '').split('\n');

const range = (start: number, count: number) =>
  count === 1 ? `${start}` : `${count === 0 ? start - 1 : start},${count}`;

/**
 * A unified diff of one file (`diff -u`'s format, three lines of context),
 * `null` standing for a file that is not there. Empty when nothing changes.
 */
export function unifiedDiff(
  file: string,
  before: string | null,
  after: string | null,
): string {
  if (before === after) return '';
  const ops = lineOps(splitLines(before ?? ''), splitLines(after ?? ''));
  const out = [
    `--- ${before === null ? '/dev/null' : file}`,
    `+++ ${after === null ? '/dev/null' : file}`,
  ];
  let k = 0;
  while (k < ops.length) {
    if (ops[k].op === ' ') {
      k++;
      continue;
    }
    // A hunk: this change and every one within two contexts of it.
    const start = Math.max(0, k - CONTEXT);
    let end = k;
    while (end < ops.length) {
      if (ops[end].op !== ' ') {
        end++;
        continue;
      }
      let run = end;
      while (run < ops.length && ops[run].op === ' ') run++;
      if (run === ops.length || run - end > 2 * CONTEXT) {
        end = Math.min(run, end + CONTEXT);
        break;
      }
      end = run;
    }
    const oldStart = ops.slice(0, start).filter(o => o.op !== '+').length + 1;
    const newStart = ops.slice(0, start).filter(o => o.op !== '-').length + 1;
    const hunk = ops.slice(start, end);
    const oldCount = hunk.filter(o => o.op !== '+').length;
    const newCount = hunk.filter(o => o.op !== '-').length;
    out.push(
      `@@ -${range(oldStart, oldCount)} +${range(newStart, newCount)} @@`,
      ...hunk.map(o => `${o.op}${o.text}`),
    );
    k = end;
  }
  return `${out.join('\n')}\n`;
}
