/**
 * Word splitting for the two grammars the ssh2 layer reads: OpenSSH configuration lines
 * (its `argv_split`: blanks, single and double quotes, a few backslash escapes, `#` comments)
 * and shell words as Python's `shlex.split` cuts ClusterShell's `ssh_options`.
 */

/** Thrown by the splitters on an unterminated quote; callers wrap it with their context. */
export class WordSplitError extends Error {
  override readonly name = 'WordSplitError';
}

/**
 * Splits the arguments of an OpenSSH configuration line as OpenSSH's `argv_split` does.
 *
 * @param text - the line after its keyword
 * @param stopAtComment - whether a `#` starting a word ends the line
 * @returns the words, quotes removed
 * @throws {WordSplitError} on an unterminated quote
 */
export function splitConfigArgs(text: string, stopAtComment = true): string[] {
  const words: string[] = [];
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      i++;
      continue;
    }
    if (stopAtComment && c === '#') break;
    let word = '';
    let quote = '';
    for (; i < n; i++) {
      const ch = text[i] as string;
      if (ch === '\\') {
        const next = text[i + 1];
        if (next === "'" || next === '"' || next === '\\' || (quote === '' && next === ' ')) {
          i++;
          word += next;
        } else {
          word += ch;
        }
      } else if (quote === '' && (ch === ' ' || ch === '\t')) {
        break;
      } else if (quote === '' && (ch === '"' || ch === "'")) {
        quote = ch;
      } else if (quote !== '' && ch === quote) {
        quote = '';
      } else {
        word += ch;
      }
    }
    if (quote !== '') throw new WordSplitError('unterminated quote');
    words.push(word);
  }
  return words;
}

const BLANKS = ' \t\r\n';

/**
 * Cuts the keyword off an OpenSSH configuration line (OpenSSH's `strdelim`): the keyword ends at
 * a blank or at one `=`, and one `=` with blanks around it is skipped.
 *
 * @param line - one configuration line, without its newline
 * @returns the keyword and the rest, or `undefined` for a blank or comment line
 * @throws {WordSplitError} on an unterminated quoted keyword
 */
export function splitKeyword(line: string): { keyword: string; rest: string } | undefined {
  let s = line.replace(/[ \t\r\n\f]+$/u, '');
  s = s.replace(/^[ \t\r\n]+/u, '');
  if (s === '' || s.startsWith('#')) return undefined;
  let keyword: string;
  let pos: number;
  if (s.startsWith('"')) {
    const end = s.indexOf('"', 1);
    if (end < 0) throw new WordSplitError('unterminated quote');
    keyword = s.slice(1, end);
    pos = end + 1;
  } else {
    let end = 0;
    while (end < s.length && !`${BLANKS}="`.includes(s[end] as string)) end++;
    keyword = s.slice(0, end);
    pos = end;
  }
  let sawEquals = false;
  if (s[pos] === '=') {
    sawEquals = true;
    pos++;
  }
  while (pos < s.length && BLANKS.includes(s[pos] as string)) pos++;
  if (!sawEquals && s[pos] === '=') {
    pos++;
    while (pos < s.length && BLANKS.includes(s[pos] as string)) pos++;
  }
  return { keyword, rest: s.slice(pos) };
}

/**
 * Splits a string into shell words as Python's `shlex.split` (POSIX mode, no comments) does;
 * ClusterShell cuts `ssh_path` and `ssh_options` this way.
 *
 * @param text - the string to split
 * @returns the words
 * @throws {WordSplitError} on an unterminated quote or a trailing escape
 */
export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
      i++;
    } else if (c === '\\') {
      if (i + 1 >= text.length) throw new WordSplitError('no escaped character');
      word += text[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new WordSplitError('no closing quotation');
      word += text.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const d = text[i] as string;
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === '\\' && i + 1 < text.length && '\\"$`\n'.includes(text[i + 1] as string)) {
          word += text[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) throw new WordSplitError('no closing quotation');
      inWord = true;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  return words;
}
