// Every shell command in README.md that is marked safe to run (a ```sh fence right after a
// `<!-- run -->` line) runs from the repository root and exits 0. Each runs on its own, bounded in time.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const readme = readFileSync(`${ROOT}README.md`, 'utf8');

/** The commands of the marked fences, one per line, comments and blank lines left out. */
function markedCommands(markdown: string): string[] {
  const commands: string[] = [];
  for (const match of markdown.matchAll(/^<!-- run -->\n```sh\n([\s\S]*?)^```$/gm)) {
    for (const line of match[1]!.split('\n')) {
      const command = line.replace(/\s+#.*$/, '').trim();
      if (command !== '' && !command.startsWith('#')) commands.push(command);
    }
  }
  return commands;
}

const commands = markedCommands(readme);

describe('README commands', () => {
  it('finds the marked commands', () => {
    expect(commands.length).toBeGreaterThanOrEqual(3);
  });

  it.each(commands)('%s', (command) => {
    const result = spawnSync('sh', ['-c', command], { cwd: ROOT, encoding: 'utf8', timeout: 120_000, env: { ...process.env, OPENAI_API_KEY: '' } });
    expect(result.status, `${command}\n${result.stdout}\n${result.stderr}`).toBe(0);
  }, 150_000);
});
