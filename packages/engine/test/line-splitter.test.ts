import { Buffer } from 'node:buffer';
import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../src/internal/line-splitter.js';

function split(chunks: string[]): string[] {
  const s = new LineSplitter();
  const out: string[] = [];
  for (const c of chunks) {
    s.push(Buffer.from(c, 'latin1'), (line) => {
      out.push(line.toString('latin1'));
      return true;
    });
  }
  const rest = s.flush();
  if (rest !== undefined) out.push(`[partial]${rest.toString('latin1')}`);
  return out;
}

describe('LineSplitter', () => {
  it.each([
    [['a\nb\n'], ['a', 'b']],
    [['a\r\nb\r\n'], ['a', 'b']],
    [['a\nb'], ['a', '[partial]b']],
    [['a', 'b', 'c\n'], ['abc']],
    [
      ['a\r', '\nb\n'],
      ['a', 'b'],
    ],
    [['\n\n'], ['', '']],
    [['\r\n'], ['']],
    [['a\rb\n'], ['a\rb']],
    [['x\r'], ['[partial]x\r']],
    [
      ['1\n2', '3\n4', '\n'],
      ['1', '23', '4'],
    ],
    [[''], []],
  ])('splits %j into %j', (chunks, lines) => {
    expect(split(chunks)).toEqual(lines);
  });

  it('stops a chunk when the sink returns false', () => {
    const s = new LineSplitter();
    const out: string[] = [];
    s.push(Buffer.from('a\nb\nc\n'), (line) => {
      out.push(line.toString());
      return out.length < 2;
    });
    expect(out).toEqual(['a', 'b']);
  });

  it('keeps a copy of a partial tail, not the whole chunk', () => {
    const s = new LineSplitter();
    const chunk = Buffer.from('line\ntail');
    s.push(chunk, () => true);
    chunk.fill(0);
    expect(s.flush()?.toString()).toBe('tail');
    expect(s.pending).toBe(false);
  });
});
