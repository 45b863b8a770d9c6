/**
 * Python's `textwrap.wrap(text, width)` with its default options (break long words, break on
 * hyphens, drop whitespace), used to format optparse's `--help` exactly as ClusterShell does.
 *
 * @module
 */

const WS = '[\\t\\n\\v\\f\\r ]';
const NWS = '[^\\t\\n\\v\\f\\r ]';
const WORD_PUNCT = '[\\w!"\'&.,?]';
const LETTER = '[^\\d\\W]';

/** The chunk splitter of `TextWrapper.wordsep_re` (ASCII flavour, enough for help texts). */
const WORDSEP = new RegExp(
  `(${WS}+` +
    `|(?<=${WORD_PUNCT})-{2,}(?=\\w)` +
    `|${NWS}+?(?:` +
    `-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
    `|(?=${WS}|$)` +
    `|(?<=${WORD_PUNCT})(?=-{2,}\\w)` +
    '))',
);

function splitChunks(text: string): string[] {
  return text.split(WORDSEP).filter((c) => c !== undefined && c !== '');
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

/**
 * Wraps `text` into lines of at most `width` characters, as Python's `textwrap.wrap()`.
 *
 * @param text - the paragraph
 * @param width - the maximal line width
 * @returns the lines, without line ends
 */
export function wrapText(text: string, width: number): string[] {
  const chunks = splitChunks(text.replace(/[\t\n\v\f\r]/g, ' ')).reverse();
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let len = 0;
    const last = chunks[chunks.length - 1];
    if (last !== undefined && isBlank(last) && lines.length > 0) chunks.pop();
    while (chunks.length > 0) {
      const c = chunks[chunks.length - 1] ?? '';
      if (len + c.length <= width) {
        line.push(c);
        len += c.length;
        chunks.pop();
      } else break;
    }
    const next = chunks[chunks.length - 1];
    if (next !== undefined && next.length > width) {
      const spaceLeft = width < 1 ? 1 : width - len;
      let end = spaceLeft;
      if (next.length > spaceLeft) {
        const hyphen = next.lastIndexOf('-', spaceLeft - 1);
        if (hyphen > 0 && /[^-]/.test(next.slice(0, hyphen))) end = hyphen + 1;
      }
      line.push(next.slice(0, end));
      chunks[chunks.length - 1] = next.slice(end);
      len = line.reduce((n, s) => n + s.length, 0);
    }
    const tail = line[line.length - 1];
    if (tail !== undefined && isBlank(tail)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}
