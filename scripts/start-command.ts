/**
 * `npm start`'s command line split as the shell runs it: leading `NAME=value` words are the
 * environment it gives the command, the rest is the command. The bench and the lifecycle test
 * start the gateway from it exactly as deployed.
 */
export function splitStartCommand(script: string): { env: Record<string, string>; argv: string[] } {
  const argv = script.split(/\s+/).filter(Boolean);
  let assignments = 0;
  while (/^[A-Z_][A-Z0-9_]*=/.test(argv[assignments] ?? '')) assignments += 1;
  return { env: envAssignments(argv.splice(0, assignments).join(' ')), argv };
}

/** `A=1 B=two` as an environment; a word without `=` is ignored. */
export function envAssignments(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split(/\s+/)
      .filter((word) => word.includes('='))
      .map((word) => [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]),
  );
}
