// One vocabulary for the whole CLI: each concept has one flag, one meaning and one way of writing its
// default; old spellings stay as hidden aliases so scripts keep working (docs/cli.md renders the table).
import { Option, type Command } from 'commander';
import { withDerivedDefault } from './help.ts';

/** A concept of the CLI and the one flag that names it. */
export interface VocabularyEntry {
  /** Commander flags, e.g. `--data-dir <dir>`. */
  flags: string;
  /** What it means, identical in every command that takes it. */
  meaning: string;
  /** How its default is written in help, when it has one everywhere. */
  default?: string;
  /** The literal default value, when `default` is one. */
  value?: string;
  /** Old spellings that still work (hidden from help), and where they came from. */
  aliases?: readonly { flags: string; was: string }[];
}

export const VOCABULARY = {
  dataDir: {
    flags: '--data-dir <dir>',
    meaning: 'data directory (SQLite database, master key, personalisation files)',
    default: '$GRIDTRUST_DATA_DIR, else ./.gridtrust',
  },
  postgresUrl: {
    flags: '--postgres-url <url>',
    meaning: 'keep the data in PostgreSQL at this URL (postgres://user@host:5432/db)',
    default: '$GRIDTRUST_POSTGRES_URL, else SQLite in --data-dir',
  },
  json: {
    flags: '--json',
    meaning: 'print exactly one JSON document on stdout',
  },
  seed: {
    flags: '--seed <n>',
    meaning: 'random seed: the same seed gives the same result',
    default: '1',
    value: '1',
  },
  out: {
    flags: '--out <dir>',
    meaning: 'directory to write files into, created when missing',
  },
  malicious: {
    flags: '--malicious <ratio>',
    meaning: 'share of terminals that attack, 0..1',
    aliases: [
      { flags: '--ratio <ratio>', was: 'trust world' },
      { flags: '--ratios <list>', was: 'trust experiment' },
    ],
  },
  terminals: {
    flags: '--terminals <n>',
    meaning: 'number of simulated terminals',
  },
  systemTitle: {
    flags: '--system-title <hex>',
    meaning: 'a terminal identity: its 8-byte DLMS system title as 16 hex digits',
    aliases: [{ flags: '--terminal <hex>', was: 'readings' }],
  },
  duration: {
    flags: '--duration <seconds>',
    meaning: 'wall-clock seconds to run (send frames) before reporting',
  },
  hours: {
    flags: '--hours <h>',
    meaning: 'simulated hours (virtual time, not wall-clock)',
  },
  cycles: {
    flags: '--cycles <n>',
    meaning: 'number of trust cycles',
  },
  tenant: {
    flags: '--tenant <n>',
    meaning: 'tenant number (uint32) bound into the keys',
  },
  load: {
    flags: '--load <file>',
    meaning: 'household load curves (LCL half-hourly kWh, CSV or .csv.gz)',
    default: '$GRIDTRUST_LCL_FILE, else the LCL file shipped beside the package',
  },
  from: {
    flags: '--from <iso>',
    meaning: 'start of a time range, included (ISO 8601: 2026-12-01, 2026-12-01T10:00+01:00)',
  },
  to: {
    flags: '--to <iso>',
    meaning: 'end of a time range, excluded (ISO 8601)',
  },
} as const satisfies Record<string, VocabularyEntry>;

export type Concept = keyof typeof VOCABULARY;

export interface ConceptOptions {
  /** A default value (shown as `(default: value)`). */
  default?: string;
  /** A default that is not a literal value (shown as written); overrides the vocabulary's. */
  derivedDefault?: string;
  /** Added after the shared meaning, e.g. what this command seeds. */
  detail?: string;
  /** Makes the option mandatory. */
  required?: boolean;
}

/** The vocabulary's option for a concept, with the shared flag, meaning and default. */
export function conceptOption(concept: Concept, opts: ConceptOptions = {}): Option {
  const entry: VocabularyEntry = VOCABULARY[concept];
  const meaning = opts.detail === undefined ? entry.meaning : `${entry.meaning}; ${opts.detail}`;
  const option = new Option(entry.flags, meaning);
  if (opts.required === true) option.makeOptionMandatory();
  if (opts.default !== undefined) option.default(opts.default);
  else if (opts.derivedDefault !== undefined) withDerivedDefault(option, opts.derivedDefault);
  else if (entry.value !== undefined) option.default(entry.value);
  else if (entry.default !== undefined) withDerivedDefault(option, entry.default);
  return option;
}

/** Adds the concept's option to `cmd`, and its old spellings as hidden aliases. */
export function addConcept(cmd: Command, concept: Concept, opts: ConceptOptions = {}): Command {
  const option = conceptOption(concept, opts);
  cmd.addOption(option);
  const entry: VocabularyEntry = VOCABULARY[concept];
  for (const alias of entry.aliases ?? []) addHiddenAlias(cmd, alias.flags, option.attributeName());
  return cmd;
}

/**
 * Accepts `flags` (an old spelling) as `canonical` (an option attribute, e.g. `malicious`), hidden
 * from help. A flag already taken by the command is left alone.
 */
export function addHiddenAlias(cmd: Command, flags: string, canonical: string): Command {
  const alias = new Option(flags).hideHelp();
  const taken = cmd.options.some((o) => o.long === alias.long);
  if (taken) return cmd;
  cmd.addOption(alias);
  cmd.on(`option:${alias.name()}`, (value: unknown) => {
    cmd.setOptionValueWithSource(canonical, value, 'cli');
  });
  return cmd;
}

/** The vocabulary as a Markdown table (docs/cli.md holds it; a test keeps the two equal). */
export function renderVocabularyTable(): string {
  const rows = Object.values(VOCABULARY).map((raw) => {
    const e: VocabularyEntry = raw;
    const aliases = (e.aliases ?? []).map((a) => `\`${a.flags.split(' ')[0]}\` (${a.was})`).join(', ');
    return `| \`${e.flags}\` | ${e.meaning} | ${e.default ?? '—'} | ${aliases === '' ? '—' : aliases} |`;
  });
  return [
    '| Flag | Meaning (the same in every command) | Default | Old spellings (still accepted) |',
    '| --- | --- | --- | --- |',
    ...rows,
  ].join('\n');
}
