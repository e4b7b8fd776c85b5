// `gridtrust completion bash|zsh|fish`: shell completion scripts generated from the command tree itself,
// so every command and flag (including ones added later) completes without a hand-kept list.
import type { Command } from 'commander';
import type { RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe, walkCommands } from '../help.ts';

const SHELLS = ['bash', 'zsh', 'fish'] as const;
type Shell = (typeof SHELLS)[number];

interface Node {
  path: string;
  subcommands: string[];
  flags: string[];
  purposes: { name: string; purpose: string }[];
  options: { long: string; takesValue: boolean; help: string }[];
}

function nodesOf(program: Command): Node[] {
  return walkCommands(program).map(({ path, cmd }) => {
    const visible = cmd.options.filter((o) => !o.hidden && o.long !== undefined);
    const subs = cmd.commands.filter((c) => c.name() !== 'help');
    return {
      path: path.join(' '),
      subcommands: subs.map((c) => c.name()),
      flags: [...visible.map((o) => o.long ?? ''), '--help'],
      purposes: subs.map((c) => ({ name: c.name(), purpose: c.description() })),
      options: visible.map((o) => ({
        long: (o.long ?? '').replace(/^--/, ''),
        takesValue: o.required || o.optional,
        help: o.description,
      })),
    };
  });
}

/** The bash script: the deepest known command path among the words so far picks the candidates. */
export function bashCompletion(program: Command): string {
  const nodes = nodesOf(program);
  const known = nodes.map((n) => n.path).join('|');
  const cases = nodes
    .map((n) => `    "${n.path}") opts="${[...n.subcommands, ...n.flags].join(' ')}" ;;`)
    .join('\n');
  return `# gridtrust completion for bash. Load it with:  eval "$(gridtrust completion bash)"
_gridtrust() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" path="" i w opts
  local known="|${known}|"
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    if [[ "$known" == *"|\${path:+$path }$w|"* ]]; then path="\${path:+$path }$w"; fi
  done
  case "$path" in
${cases}
    *) opts="" ;;
  esac
  COMPREPLY=($(compgen -W "$opts" -- "$cur"))
}
complete -o default -F _gridtrust gridtrust
`;
}

/** zsh runs the bash script through bashcompinit (zsh's own, shipped with it). */
export function zshCompletion(program: Command): string {
  return `# gridtrust completion for zsh. Load it with:  eval "$(gridtrust completion zsh)"
autoload -U +X compinit && compinit
autoload -U +X bashcompinit && bashcompinit
${bashCompletion(program)}`;
}

const fishQuote = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** The fish script: one `complete` line per subcommand and per flag, conditioned on the words seen. */
export function fishCompletion(program: Command): string {
  const lines = ['# gridtrust completion for fish. Load it with:  gridtrust completion fish | source'];
  const all = nodesOf(program);
  for (const n of all) {
    const words = n.path === '' ? [] : n.path.split(' ');
    const seen = words.map((w) => `__fish_seen_subcommand_from ${w}`);
    const deeper =
      n.subcommands.length > 0 ? [`not __fish_seen_subcommand_from ${n.subcommands.join(' ')}`] : [];
    const cond = words.length === 0 ? [...deeper] : [...seen, ...deeper];
    const when = cond.length === 0 ? '' : ` -n ${fishQuote(cond.join('; and '))}`;
    for (const s of n.purposes)
      lines.push(`complete -c gridtrust -f${when} -a ${s.name} -d ${fishQuote(s.purpose)}`);
    const optWhen = words.length === 0 ? when : ` -n ${fishQuote(seen.join('; and '))}`;
    for (const o of n.options)
      lines.push(
        `complete -c gridtrust${optWhen} -l ${o.long}${o.takesValue ? ' -r' : ''} -d ${fishQuote(o.help)}`,
      );
  }
  return `${lines.join('\n')}\n`;
}

function scriptFor(shell: string, program: Command): string {
  const s: Shell | undefined = SHELLS.find((x) => x === shell);
  switch (s) {
    case 'bash':
      return bashCompletion(program);
    case 'zsh':
      return zshCompletion(program);
    case 'fish':
      return fishCompletion(program);
    case undefined:
      throw new CliError('GT_ERR_CLI_USAGE', `no completion for shell "${shell}"`, {
        hint: `use one of: ${SHELLS.join(', ')}, e.g. gridtrust completion bash`,
      });
  }
}

export const registerCompletion: RegisterCommand = (program, ctx) => {
  describe(program.command('completion'), {
    purpose: 'print a shell completion script for bash, zsh or fish',
    details:
      'Completes every command, subcommand and flag. Add the line of your shell to its start-up file\n' +
      '(~/.bashrc, ~/.zshrc, ~/.config/fish/config.fish).',
    examples: [
      'eval "$(gridtrust completion bash)"',
      'gridtrust completion zsh > ~/.gridtrust-completion.zsh',
      'gridtrust completion fish | source',
    ],
    exitCodes: { 2: 'unknown shell' },
  })
    .argument('<shell>', `one of: ${SHELLS.join(', ')}`)
    .action((shell: string) => ctx.io.out(scriptFor(shell, program)));
};
