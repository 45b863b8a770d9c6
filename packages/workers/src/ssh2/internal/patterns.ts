/**
 * OpenSSH's wildcard patterns: `*` (any run of characters), `?` (one character), a comma list
 * where `!pattern` negates. Used by `Host`, `Match`, known_hosts and algorithm lists.
 */

/**
 * Whether `text` matches the wildcard `pattern` (`*` and `?` only; case-sensitive).
 *
 * @param text - the string to test
 * @param pattern - the pattern
 * @returns true on a match
 */
export function matchPattern(text: string, pattern: string): boolean {
  let t = 0;
  let p = 0;
  let starP = -1;
  let starT = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '*') {
      starP = p++;
      starT = t;
    } else if (pc !== undefined && (pc === '?' || pc === text[t])) {
      p++;
      t++;
    } else if (starP >= 0) {
      p = starP + 1;
      t = ++starT;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}

/**
 * Matches `text` against a comma-separated pattern list, as OpenSSH's `match_pattern_list`:
 * a matching negated pattern wins over any positive match.
 *
 * @param text - the string to test
 * @param list - comma-separated patterns, each optionally prefixed with `!`
 * @param lower - compare case-insensitively (host names)
 * @returns 1 on a positive match, -1 when a negated pattern matched, 0 otherwise
 */
export function matchPatternList(text: string, list: string, lower = false): 1 | 0 | -1 {
  const subject = lower ? text.toLowerCase() : text;
  let got: 1 | 0 = 0;
  for (const raw of list.split(',')) {
    const negated = raw.startsWith('!');
    const pat = lower ? (negated ? raw.slice(1) : raw).toLowerCase() : negated ? raw.slice(1) : raw;
    if (matchPattern(subject, pat)) {
      if (negated) return -1;
      got = 1;
    }
  }
  return got;
}
