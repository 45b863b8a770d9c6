/**
 * Splitting of `[Main] confdir`/`autodir` values into paths, with the rules of Python's
 * `shlex.split()` (POSIX mode, no comments), which ClusterShell uses.
 *
 * @module
 */

const WHITESPACE = ' \t\r\n';

/** Why a value could not be split. */
export class ShlexError extends Error {
  override readonly name = 'ShlexError';
}

/**
 * Splits `text` into words like a POSIX shell: whitespace separates words; single quotes keep
 * everything; double quotes keep everything but `\"` and `\\`; a backslash outside quotes keeps the
 * next character; adjacent quoted and unquoted parts join; `''` gives an empty word.
 *
 * @param text - the value to split
 * @returns the words
 * @throws {ShlexError} `No closing quotation` or `No escaped character`, as Python says
 */
export function shlexSplit(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text.charAt(i);
    if (WHITESPACE.includes(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i += 1;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShlexError('No closing quotation');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i += 1;
      for (;;) {
        if (i >= text.length) throw new ShlexError('No closing quotation');
        const d = text.charAt(i);
        if (d === '"') break;
        if (d === '\\') {
          if (i + 1 >= text.length) throw new ShlexError('No escaped character');
          const next = text.charAt(i + 1);
          word += next === '"' || next === '\\' ? next : `\\${next}`;
          i += 2;
        } else {
          word += d;
          i += 1;
        }
      }
      inWord = true;
      i += 1;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new ShlexError('No escaped character');
      word += text.charAt(i + 1);
      inWord = true;
      i += 2;
    } else {
      word += c;
      inWord = true;
      i += 1;
    }
  }
  if (inWord) words.push(word);
  return words;
}
