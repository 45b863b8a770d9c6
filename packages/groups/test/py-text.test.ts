import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  normPath,
  pyDirname,
  pyFloat,
  pyRepr,
  pyUtf8DecodeError,
  splitWords,
} from '../src/internal/py-text.js';
import { ShlexError, shlexSplit } from '../src/internal/shlex.js';
import { safeSubstitute } from '../src/internal/template.js';

/** Runs a Python expression over every case (bound to `c`); returns the JSON results. */
function python(expr: string, cases: readonly string[]): unknown[] {
  const script = `
import json, os, shlex, sys
from string import Template
def run(c):
    try:
        return ${expr}
    except ValueError as e:
        return 'ValueError: ' + str(e)
print(json.dumps([run(c) for c in json.loads(sys.argv[1])]))
`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' }),
  ) as unknown[];
}

const SHLEX_CASES = [
  'a b',
  '  \t a\n b  ',
  '/etc/clustershell/groups.conf.d $CFGDIR/groups.conf.d',
  '"/path with space" other',
  '\'single $CFGDIR\' "double"',
  'a"b c"d',
  '"a\\"b"',
  '"a\\\\b"',
  '"a\\b"',
  'x\\ y',
  "''",
  '""',
  'a#b #c',
  '"abc',
  "'abc",
  'a\\',
  '"abc\\',
  '',
];

describe('shlexSplit (Python shlex.split)', () => {
  it('matches Python on every case', () => {
    const expected = python('shlex.split(c)', SHLEX_CASES);
    const got = SHLEX_CASES.map((c) => {
      try {
        return shlexSplit(c);
      } catch (e) {
        expect(e).toBeInstanceOf(ShlexError);
        return `ValueError: ${(e as Error).message}`;
      }
    });
    expect(got).toEqual(expected);
  });
});

describe('safeSubstitute (Template.safe_substitute)', () => {
  // `${NAME}` is the shell syntax under test, not a template placeholder.
  const TEMPLATES = [
    'echo $GROUP',
    'echo $\u007bGROUP}x $GROUPS $$GROUP $$$GROUP',
    'cd $CFGDIR && ls $\u007bSOURCE}',
    'echo $ $1 $\u007b GROUP} $\u007bunknown} $group',
    'trailing $',
  ];
  it('matches Python on every case', () => {
    const expected = python(
      "Template(c).safe_substitute({'GROUP': 'g1', 'CFGDIR': '/cfg', 'SOURCE': 'src'})",
      TEMPLATES,
    );
    const got = TEMPLATES.map((t) =>
      safeSubstitute(t, { GROUP: 'g1', CFGDIR: '/cfg', SOURCE: 'src' }),
    );
    expect(got).toEqual(expected);
  });
});

describe('path helpers', () => {
  const PATHS = [
    '',
    '/',
    '//',
    '///a//b/',
    '//a/b',
    'a/./b/../c',
    '../../a',
    '/../a/..',
    'a/..',
    '/etc/clustershell/',
    'x/../../y',
  ];
  it('normPath matches os.path.normpath', () => {
    expect(PATHS.map(normPath)).toEqual(python('os.path.normpath(c)', PATHS));
  });
  it('pyDirname matches os.path.dirname', () => {
    const files = ['groups.conf', '/groups.conf', '/a/b/groups.conf', 'a//b//c', '//x', 'dir/'];
    expect(files.map(pyDirname)).toEqual(python('os.path.dirname(c)', files));
  });
});

describe('pyFloat and pyRepr', () => {
  it('pyFloat accepts what float() accepts', () => {
    const texts = [
      '1',
      ' 2.5 ',
      '1e3',
      '-0.5',
      '.5',
      '5.',
      'inf',
      '-Infinity',
      'abc',
      '',
      '1_000',
      '1.2.3',
      '0x10',
    ];
    const expected = python('repr(float(c)) if True else None', texts);
    const got = texts.map((t) => {
      const v = pyFloat(t);
      if (v === undefined) return `ValueError: could not convert string to float: ${pyRepr(t)}`;
      if (v === Number.POSITIVE_INFINITY) return 'inf';
      if (v === Number.NEGATIVE_INFINITY) return '-inf';
      return Number.isInteger(v) ? `${v}.0` : String(v);
    });
    expect(got).toEqual(expected);
  });
  it('pyRepr quotes like repr()', () => {
    const texts = ['abc', "it's", 'say "hi"', 'both \' and "', 'tab\there\n', 'back\\slash'];
    expect(texts.map(pyRepr)).toEqual(python('repr(c)', texts));
  });
  it('splitWords splits on every kind of whitespace, like str.split()', () => {
    const texts = ['a b\tc\nd', '  lead trail  ', 'n[1-3]\r\nn5\x1cn6\u2003n7', ''];
    expect(texts.map(splitWords)).toEqual(python('c.split()', texts));
  });
});

describe('pyUtf8DecodeError (UnicodeDecodeError of bytes.decode)', () => {
  const HEX_CASES = [
    '616263',
    '6162ff',
    '61e228a1',
    'f09f98',
    'c3',
    'eda080',
    'e080',
    'f490',
    'e0a0',
    '6f6bf09f9880c0',
    'c3a9e282ac',
    '80',
    'f5808080',
    'c1bf',
    'f0908080',
    'f4908080',
    'edbfbf',
    'efbfbf',
  ];

  it('words the first invalid sequence as Python does', () => {
    const script = `
import json, sys
out = []
for h in json.loads(sys.argv[1]):
    try:
        bytes.fromhex(h).decode('utf-8')
        out.append(None)
    except UnicodeDecodeError as e:
        out.append(str(e))
print(json.dumps(out))
`;
    const expected = JSON.parse(
      execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(HEX_CASES)], {
        encoding: 'utf8',
      }),
    ) as unknown[];
    const got = HEX_CASES.map((h) => pyUtf8DecodeError(Buffer.from(h, 'hex')) ?? null);
    expect(got).toEqual(expected);
    expect(got[1]).toBe("'utf-8' codec can't decode byte 0xff in position 2: invalid start byte");
  });
});
