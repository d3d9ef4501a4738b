import { LineSplitter } from './logLines';

function split(chunks: Array<string | Buffer>, maxBytes?: number) {
  const lines: Array<[string | undefined, number]> = [];
  const splitter = new LineSplitter(
    (text, line) => lines.push([text, line]),
    maxBytes,
  );
  for (const chunk of chunks)
    splitter.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return { lines, splitter };
}

describe('LineSplitter', () => {
  it('joins lines cut between reads, a character cut in two included', () => {
    const bytes = Buffer.from('{"a":"é"}\r\n{"b":1}\n');
    const cutInCharacter = bytes.indexOf(0xa9); // second byte of é
    const { lines } = split([
      bytes.subarray(0, cutInCharacter),
      bytes.subarray(cutInCharacter, 12),
      bytes.subarray(12),
    ]);
    expect(lines).toEqual([
      ['{"a":"é"}', 1],
      ['{"b":1}', 2],
    ]);
  });

  it('holds a last line without its newline until the input ends', () => {
    const { lines, splitter } = split(['one\ntwo']);
    expect(lines).toEqual([['one', 1]]);
    splitter.end();
    expect(lines).toEqual([
      ['one', 1],
      ['two', 2],
    ]);
  });

  it('reports a line over the limit without keeping it, and reads on', () => {
    const { lines } = split(
      ['short\n', 'x'.repeat(30), 'y'.repeat(30), '\nnext\n'],
      50,
    );
    expect(lines).toEqual([
      ['short', 1],
      [undefined, 2],
      ['next', 3],
    ]);
  });

  it('numbers lines again from 1 in a new file', () => {
    const { lines, splitter } = split(['a\nb\npartial']);
    splitter.restart();
    splitter.push(Buffer.from('c\n'));
    expect(lines).toEqual([
      ['a', 1],
      ['b', 2],
      ['partial', 3],
      ['c', 1],
    ]);
  });
});
