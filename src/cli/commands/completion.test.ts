// `gridtrust completion bash|zsh|fish`: scripts generated from the command tree; bash parses and completes.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { captureIo } from '../../../test/helpers/cli-io.ts';
import { main } from '../main.ts';

async function script(shell: string): Promise<{ code: number; out: string; err: string }> {
  const io = captureIo();
  const code = await main(['completion', shell], io);
  return { code, out: io.stdout, err: io.stderr };
}

/** Runs the bash completion function for the words typed so far; returns the candidates. */
function completeBash(text: string, words: string[]): string[] {
  const line = words.map((w) => `'${w}'`).join(' ');
  const probe = `${text}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _gridtrust; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', probe], { encoding: 'utf8' })
    .split('\n')
    .filter((l) => l !== '');
}

describe('gridtrust completion', () => {
  it('bash: a script bash parses, completing commands, subcommands and flags', async () => {
    const { code, out } = await script('bash');
    expect(code).toBe(0);
    execFileSync('bash', ['-n'], { input: out });
    expect(completeBash(out, ['gridtrust', ''])).toEqual(
      expect.arrayContaining(['demo', 'terminals', 'trust']),
    );
    expect(completeBash(out, ['gridtrust', 'terminals', 'li'])).toEqual(['list']);
    expect(completeBash(out, ['gridtrust', 'terminals', 'list', '--st'])).toEqual(['--status']);
    expect(completeBash(out, ['gridtrust', 'trust', 'world', '--export-evidence', 'x', '--mal'])).toEqual([
      '--malicious',
    ]);
  });

  it('bash: hidden old spellings are not offered', async () => {
    const { out } = await script('bash');
    expect(completeBash(out, ['gridtrust', 'trust', 'world', '--rat'])).toEqual([]);
  });

  it('zsh: loads bash completion through bashcompinit', async () => {
    const { code, out } = await script('zsh');
    expect(code).toBe(0);
    expect(out).toContain('bashcompinit');
    expect(out).toContain('complete -o default -F _gridtrust gridtrust');
  });

  it('fish: one complete line per subcommand and flag', async () => {
    const { code, out } = await script('fish');
    expect(code).toBe(0);
    expect(out).toMatch(/^complete -c gridtrust -f -n 'not __fish_seen_subcommand_from .*' -a demo -d /m);
    expect(out).toMatch(
      /^complete -c gridtrust -n '__fish_seen_subcommand_from terminals; and __fish_seen_subcommand_from list' -l status -r /m,
    );
  });

  it('an unknown shell is a usage error naming the shells (exit 2)', async () => {
    const { code, out, err } = await script('tcsh');
    expect(code).toBe(2);
    expect(out).toBe('');
    expect(err).toContain('error GT_ERR_CLI_USAGE: no completion for shell "tcsh"');
    expect(err).toContain('hint: use one of: bash, zsh, fish');
  });
});
