// Help that stands alone: one shape for every command (purpose, details, examples, exit codes, docs).
import type { Command, Option } from 'commander';

/** What `gridtrust <command> --help` says beyond the option list. */
export interface HelpSpec {
  /** One line: what the command is for (shown in the parent's command list). */
  purpose: string;
  /** Paragraphs of explanation, shown after the options. */
  details?: string;
  /** Invocations that work when pasted, each `gridtrust <this command> ...`; a trailing `# note` is kept. */
  examples: readonly string[];
  /** Exit codes and what they mean here; default: {@link DEFAULT_EXIT_CODES}. */
  exitCodes?: Readonly<Record<number, string>>;
  /** Shipped documents to read next (`docs/….md`). */
  docs?: readonly string[];
}

/** The exit codes `main` maps every command's outcome to. */
export const DEFAULT_EXIT_CODES: Readonly<Record<number, string>> = {
  0: 'done',
  1: 'the command ran and its result is a failure (see above)',
  2: 'bad usage, input, configuration or environment (the message names the problem and a fix)',
  70: 'internal error (a bug in gridtrust: please report it with the command you ran)',
};

const SPEC = Symbol.for('gridtrust.help');

/** Renders the text shown after the options list. */
export function renderHelpText(spec: HelpSpec): string {
  const parts: string[] = [];
  if (spec.details !== undefined && spec.details.trim() !== '') parts.push(spec.details.trim());
  const label = spec.examples.length === 1 ? 'Example:' : 'Examples:';
  parts.push([label, ...spec.examples.map((e) => `  ${e}`)].join('\n'));
  const codes = { ...DEFAULT_EXIT_CODES, ...spec.exitCodes };
  const rows = Object.entries(codes).map(([c, what]) => `  ${c.padEnd(3)} ${what}`);
  parts.push(['Exit codes:', ...rows].join('\n'));
  if (spec.docs !== undefined && spec.docs.length > 0) parts.push(`See: ${spec.docs.join(', ')}`);
  return `\n${parts.join('\n\n')}\n`;
}

/**
 * Gives a command its purpose, examples, exit codes and documents, in the one shape every command
 * shares; the command-tree test reads them back through {@link helpSpecOf}.
 * @example describe(program.command('demo'), { purpose: 'run the demo', examples: ['gridtrust demo'] })
 */
export function describe(cmd: Command, spec: HelpSpec): Command {
  Object.defineProperty(cmd, SPEC, { value: spec, enumerable: false });
  return cmd.description(spec.purpose).addHelpText('after', renderHelpText(spec));
}

/** The spec given to {@link describe}, if any. */
export function helpSpecOf(cmd: Command): HelpSpec | undefined {
  return (cmd as unknown as Record<symbol, HelpSpec | undefined>)[SPEC];
}

/** Sets a default that is not a literal value (e.g. `$GRIDTRUST_DATA_DIR, else ./.gridtrust`). */
export function withDerivedDefault(option: Option, text: string): Option {
  option.defaultValueDescription = text;
  return option;
}

/** One way of writing defaults everywhere: `(default: 300)`, never quoted, never a machine's path. */
export function optionDescription(option: Option): string {
  const extra: string[] = [];
  if (option.argChoices !== undefined) extra.push(`one of: ${option.argChoices.join(', ')}`);
  const shown = defaultText(option);
  if (shown !== undefined) extra.push(`default: ${shown}`);
  if (extra.length === 0) return option.description;
  return `${option.description} (${extra.join('; ')})`.trim();
}

function defaultText(option: Option): string | undefined {
  if (option.defaultValueDescription !== undefined && option.defaultValueDescription !== '') {
    return option.defaultValueDescription;
  }
  const v: unknown = option.defaultValue;
  if (v === undefined || typeof v === 'boolean') return undefined;
  if (Array.isArray(v)) return v.map(String).join(',');
  return typeof v === 'string' || typeof v === 'number' ? String(v) : JSON.stringify(v);
}

/** The help formatter of the whole program (inherited by every subcommand). */
export function configureProgramHelp(program: Command): Command {
  return program.configureHelp({
    optionDescription: (o: Option) => optionDescription(o),
    sortSubcommands: false,
  });
}

/** Every command under (and including) `root`, with its path of names (`[]` for the root). */
export function walkCommands(root: Command): { path: string[]; cmd: Command }[] {
  const found: { path: string[]; cmd: Command }[] = [{ path: [], cmd: root }];
  const visit = (c: Command, prefix: string[]): void => {
    for (const sub of c.commands) {
      const path = [...prefix, sub.name()];
      found.push({ path, cmd: sub });
      visit(sub, path);
    }
  };
  visit(root, []);
  return found;
}
