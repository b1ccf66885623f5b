import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

export const ROOT = new URL('../../', import.meta.url).pathname;

export interface CodeBlock {
  /** `README.md:42` — the file and the line of the opening fence. */
  where: string;
  language: string;
  code: string;
}

/** README.md and every page under docs/: new pages are picked up without listing them. */
export function documentationFiles(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(ROOT, 'docs', f));
  return [join(ROOT, 'README.md'), ...docs];
}

/** Fenced code blocks of one language (indented ones inside lists included, dedented). */
export function codeBlocks(file: string, language: string): CodeBlock[] {
  const lines = readFileSync(file, 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(\S*)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const indent = open[1]!.length;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent));
    if (open[2] === language)
      blocks.push({ where: `${relative(ROOT, file)}:${i + 1}`, language, code: body.join('\n') });
    i = j;
  }
  return blocks;
}
