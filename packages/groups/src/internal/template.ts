/**
 * `$VAR` substitution with the rules of Python's `string.Template.safe_substitute`, which
 * ClusterShell applies to upcall command lines and to `[Main] confdir`/`autodir` paths.
 *
 * @module
 */

// `$$`, `$name` or `${name}`; a name is ASCII letters, digits and `_`, not starting with a digit.
const PLACEHOLDER = /\$(?:(\$)|([A-Za-z_][A-Za-z0-9_]*)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;

/**
 * Replaces `$NAME` and `${NAME}` by `vars[NAME]` and `$$` by `$`. Unknown names and malformed
 * placeholders are left as they are (the shell will see them), as `safe_substitute` does.
 *
 * @param template - the text to substitute
 * @param vars - the values by name (case-sensitive)
 * @returns the substituted text
 */
export function safeSubstitute(
  template: string,
  vars: Readonly<Record<string, string | undefined>>,
): string {
  return template.replace(
    PLACEHOLDER,
    (whole, escaped: string | undefined, named: string | undefined, braced: string | undefined) => {
      if (escaped !== undefined) return '$';
      const name = named ?? braced;
      if (name === undefined || !Object.hasOwn(vars, name)) return whole;
      return vars[name] ?? whole;
    },
  );
}
