import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { GroupResolverConfigError, GroupResolverConfigParserError } from '../src/index.js';
import { IniConfig } from '../src/internal/ini-parser.js';

type Parsed = Record<string, Record<string, string>> | string;

/**
 * Parses each list of files with Python's ConfigParser; returns every section's options
 * (interpolated with get(), or raw) or `Type: message`.
 */
function pythonParse(cases: readonly (readonly string[])[], raw: boolean): Parsed[] {
  const script = `
import configparser, json, sys
out = []
for i, texts in enumerate(json.loads(sys.argv[1])):
    cfg = configparser.ConfigParser()
    try:
        for j, text in enumerate(texts):
            cfg.read_string(text, source='f%d' % j)
        out.append({s: {o: cfg.get(s, o, raw=${raw ? 'True' : 'False'}) for o in cfg.options(s)}
                    for s in cfg.sections()})
    except configparser.Error as e:
        out.append(type(e).__name__ + ': ' + str(e))
print(json.dumps(out))
`;
  return JSON.parse(
    execFileSync('/usr/bin/python3', ['-c', script, JSON.stringify(cases)], { encoding: 'utf8' }),
  ) as Parsed[];
}

const ERROR_TYPES: readonly [RegExp, string][] = [
  [/^File contains no section headers/, 'MissingSectionHeaderError'],
  [/^Source contains parsing errors/, 'ParsingError'],
  [/\]: section '.*' already exists$/, 'DuplicateSectionError'],
  [/option '.*' in section '.*' already exists$/, 'DuplicateOptionError'],
  [/^Bad value substitution/, 'InterpolationMissingOptionError'],
  [/^Recursion limit exceeded/, 'InterpolationDepthError'],
  [/must be followed by|bad interpolation variable/, 'InterpolationSyntaxError'],
];

function ourParse(texts: readonly string[], raw: boolean): Parsed {
  const cfg = new IniConfig();
  try {
    texts.forEach((text, j) => {
      cfg.read(text, `f${j}`);
    });
    const out: Record<string, Record<string, string>> = {};
    for (const s of cfg.sections()) {
      const opts: Record<string, string> = {};
      for (const o of cfg.options(s) ?? []) opts[o] = cfg.get(s, o, raw) ?? '<missing>';
      out[s] = opts;
    }
    return out;
  } catch (e) {
    if (!(e instanceof GroupResolverConfigError)) throw e;
    const type = ERROR_TYPES.find(([re]) => re.test(e.message))?.[1] ?? 'Unknown';
    return `${type}: ${e.message}`;
  }
}

const CASES: readonly (readonly string[])[] = [
  ['[Main]\ndefault: local\nconfdir = /a /b\n\n[local]\nmap: echo $GROUP\n'],
  ['[a]\nMAP : x\nList=y:z\nall :: w\nreverse = = v\n'],
  ['[a]\nmap: echo a\n  echo b\n\n    echo c\n# comment\n  ; comment\n\tlast\n\n\n[b]\nmap: x\n'],
  ['[a]\nmap: echo # not a comment ; nor this\n#comment\n;comment\n   # indented comment\n'],
  ['[a]\n  map: x\n  list: y\n    cont\n'],
  ['  [a]\nmap: x\n[a]b]\nmap: y\n[c] trailing\nmap: z\n'],
  ['[DEFAULT]\ncache_time: 10\nmap: dflt\n[a]\nlist: l\n[b]\nmap: own\n'],
  ['[a]\nmap: x\n', '[b]\nmap: y\n', '[a]\nmap: z\nall: w\n'],
  ['[a]\r\nmap: crlf\r\n  more\r\n'],
  ['[a]\nmap:\nlist =\n'],
  ['[a]\nmap: x\n\n\n'],
  ['[a]\nmap: 100%\n'],
  ['[Main]\nbase: /opt\nconfdir: %(base)s/conf %(BASE)s/x 100%%\n[a]\nmap: %(nope)s\n'],
  ['[DEFAULT]\nroot: /r\n[Main]\nautodir: %(root)s/auto\n'],
  ['junk\n[a]\nmap: x\n'],
  ['\n\n# only comments\n[a]\nmap: x\n'],
  ['[a]\nmap: x\njunk\n[b]\nmap: y\n: novalue\n'],
  ['[a]\nmap: x\n[a]\nmap: y\n'],
  ['[a]\nmap: x\nMap: y\n'],
  ['[DEFAULT]\nx: 1\n[DEFAULT]\ny: 2\n[a]\nmap: m\n'],
  ['[a]\nmap: x\n', '[a]\nlist: y\n'],
  ['[]\nmap: x\n'],
  ['[a]\nmap = x = y\n'],
  ['[a]\n  \n  [b]\nmap: x\n'],
];

describe('IniConfig (ConfigParser behaviour)', () => {
  it('reads every case like Python (raw values)', () => {
    const expected = pythonParse(CASES, true);
    expect(CASES.map((c) => ourParse(c, true))).toEqual(expected);
  });

  it('interpolates %(name)s like BasicInterpolation', () => {
    const cases: (readonly string[])[] = [
      ['[Main]\nbase: /opt\nconfdir: %(base)s/conf %(BASE)s/x 100%%\n'],
      ['[DEFAULT]\nroot: /r\n[Main]\nautodir: %(root)s/auto\n'],
      ['[Main]\nx: %(y)s\ny: %(z)s!\nz: end\n'],
      ['[a]\nmap: %(nope)s\n'],
      ['[a]\nmap: 100%\n'],
      ['[a]\nmap: %(x\n'],
      ['[a]\nmap: %(map)s\n'],
    ];
    const expected = pythonParse(cases, false);
    expect(cases.map((c) => ourParse(c, false))).toEqual(expected);
  });

  it('reports the file and line of errors', () => {
    const cfg = new IniConfig();
    let error: unknown;
    try {
      cfg.read('[a]\nmap: x\n\nbogus line\nother\n', '/etc/x/groups.conf');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(GroupResolverConfigError);
    expect(error).toBeInstanceOf(GroupResolverConfigParserError);
    expect(error).toMatchObject({
      file: '/etc/x/groups.conf',
      line: 4,
      code: 'ERR_GROUPS_CONFIG_PARSER',
    });
    expect((error as Error).message).toBe(
      "Source contains parsing errors: '/etc/x/groups.conf'\n\t[line  4]: 'bogus line\\n'\n\t[line  5]: 'other\\n'",
    );
  });

  it('keeps the first position of a section redefined by a later file', () => {
    const cfg = new IniConfig();
    cfg.read('[b]\nmap: 1\n[a]\nmap: 2\n', 'one');
    cfg.read('[c]\nmap: 3\n[b]\nmap: 4\n', 'two');
    expect(cfg.sections()).toEqual(['b', 'a', 'c']);
    expect(cfg.get('b', 'MAP')).toBe('4');
    expect(cfg.hasOption('DEFAULT', 'map')).toBe(false);
    expect(cfg.get('nosuch', 'map')).toBeUndefined();
    expect(cfg.get('a', 'nosuch')).toBeUndefined();
  });
});
