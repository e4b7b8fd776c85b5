// `gridtrust trust score` (score recorded evidence) and `gridtrust trust world` (export a world's evidence).
import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { ATTACK_TYPES, createWorld, toEvidenceRecords, type AttackType } from '../../sim/index.ts';
import {
  createTrustEngine,
  parseEvidenceLine,
  toSchemeName,
  TrustError,
  type EvidenceRecord,
  type TrustDecision,
} from '../../trust/index.ts';
import type { CommandContext } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe } from '../help.ts';
import { parseNumberArg, printJson } from '../io.ts';
import { createProgress } from '../progress.ts';
import { addConcept, conceptOption } from '../vocabulary.ts';

interface Rejected {
  line: number;
  reason: string;
  message: string;
  hint: string;
}

function readLines(path: string, flag: string): string[] {
  try {
    return readFileSync(path, 'utf8').split('\n');
  } catch (cause) {
    throw new TrustError('GT_ERR_TRUST_EVIDENCE_FILE', `cannot read ${flag} ${path}`, {
      hint: 'check the path and that the file is readable',
      cause,
    });
  }
}

/** Parses a JSONL evidence file; bad lines come back with their number and reason. */
export function parseEvidenceFile(lines: readonly string[]): {
  records: EvidenceRecord[];
  rejected: Rejected[];
} {
  const records: EvidenceRecord[] = [];
  const rejected: Rejected[] = [];
  lines.forEach((text, k) => {
    if (text.trim() === '') return;
    const r = parseEvidenceLine(text);
    if (r.ok) records.push(r.record);
    else rejected.push({ line: k + 1, reason: r.reason, message: r.message, hint: r.hint });
  });
  return { records, rejected };
}

interface ScoreFlags {
  evidence: string;
  scheme: string;
  thOn: string;
  devTh: string;
  truth?: string;
  json?: boolean;
}

function scoreAction(ctx: CommandContext, f: ScoreFlags): void {
  const scheme = toSchemeName(f.scheme);
  const { records, rejected } = parseEvidenceFile(readLines(f.evidence, '--evidence'));
  const dtms = {
    thOn: parseNumberArg('--th-on', f.thOn, { min: 0, max: 1 }),
    devTh: parseNumberArg('--dev-th', f.devTh, { min: 0, max: 1 }),
  };
  const engine = createTrustEngine({ scheme, params: { dtms } });
  const cycles = [...new Set(records.map((r) => r.cycle))].sort((a, b) => a - b);
  const decisions: TrustDecision[] = [];
  const bar = createProgress(ctx.io, 'score', cycles.length, f.json === true);
  cycles.forEach((c, k) => {
    decisions.push(...engine.scoreCycle(records.filter((r) => r.cycle === c)));
    bar.update(k + 1);
  });
  bar.done();
  const flagged = decisions.flatMap((d) =>
    d.flag === null
      ? []
      : [
          {
            terminal: d.terminal,
            fusionTerminal: d.fusionTerminal,
            cycle: d.cycle,
            reason: d.flag.reason,
            detail: d.flag.detail,
          },
        ],
  );
  const summary = {
    scheme,
    records: records.length,
    terminals: new Set(records.map((r) => r.terminal)).size,
    cycles: cycles.length,
    rejected,
    flagged,
    ...(f.truth === undefined ? {} : { detection: compareTruth(f.truth, flagged, records) }),
  };
  if (rejected.length > 0) ctx.setExitCode(2);
  if (f.json === true) return printJson(ctx.io, { ...summary, decisions });
  for (const r of rejected) ctx.io.err(`line ${r.line}: ${r.reason} ${r.message} (hint: ${r.hint})\n`);
  ctx.io.out(
    `${summary.records} records, ${summary.terminals} terminals, ${summary.cycles} cycles, ${rejected.length} rejected lines\n`,
  );
  printLatest(ctx, decisions);
  for (const x of flagged) {
    ctx.io.out(`flagged cycle ${x.cycle}  ${x.terminal.padEnd(14)} ${x.reason.padEnd(12)} ${x.detail}\n`);
  }
  if (summary.detection !== undefined) ctx.io.out(`${JSON.stringify(summary.detection)}\n`);
}

/** One line per terminal: its latest decision (components, trust, status). */
function printLatest(ctx: CommandContext, decisions: readonly TrustDecision[]): void {
  const latest = new Map<string, TrustDecision>();
  for (const d of decisions) if (latest.get(d.terminal)?.quarantined !== true) latest.set(d.terminal, d);
  const f = (x: number | null): string => (x === null || Number.isNaN(x) ? '   -  ' : x.toFixed(4));
  ctx.io.out('terminal        fusion      cycle  Stm     Dtm     Etm     trust   status\n');
  for (const d of latest.values()) {
    const c = d.components;
    const status = d.quarantined ? 'QUARANTINED' : 'ok';
    ctx.io.out(
      `${d.terminal.padEnd(15)} ${d.fusionTerminal.padEnd(11)} ${String(d.cycle).padStart(5)}  ${f(c.stm)}  ${f(c.dtm)}  ${f(c.etm)}  ${f(d.trust)}  ${status}\n`,
    );
  }
}

function compareTruth(path: string, flagged: { terminal: string }[], records: EvidenceRecord[]) {
  let truth: { terminal: string; attack: string | null }[];
  try {
    truth = (JSON.parse(readLines(path, '--truth').join('\n')) as { truth: typeof truth }).truth;
    if (!Array.isArray(truth)) throw new Error('no truth array');
  } catch (cause) {
    throw new TrustError('GT_ERR_TRUST_EVIDENCE_FILE', `--truth ${path} is not a truth file`, {
      hint: 'pass the .truth.json written by `gridtrust trust world`',
      cause,
    });
  }
  const bad = new Set(truth.filter((t) => t.attack !== null).map((t) => t.terminal));
  const seen = new Set(records.map((r) => r.terminal));
  const hit = new Set(flagged.map((x) => x.terminal));
  const tp = [...hit].filter((t) => bad.has(t)).length;
  return {
    malicious: bad.size,
    truePositives: tp,
    falsePositives: hit.size - tp,
    honest: seen.size - bad.size,
  };
}

/** Registers `trust score`. */
export function registerTrustScore(trust: Command, ctx: CommandContext): void {
  describe(trust.command('score'), {
    purpose: "score recorded evidence with a trust scheme: each terminal's components, trust and flags",
    details:
      'Reads evidence recorded elsewhere (JSON lines, one object per terminal per cycle; format in\n' +
      'docs/evidence-format.md). Bad lines are reported with line number, reason and hint; good lines\n' +
      'are still scored.',
    examples: [
      'gridtrust trust world --export-evidence ev.jsonl --seed 7 --malicious 0.3 && gridtrust trust score --evidence ev.jsonl --truth ev.jsonl.truth.json',
      'gridtrust trust score --evidence ev.jsonl --scheme brs --json',
    ],
    exitCodes: { 2: 'bad lines in the evidence file (the good ones are still scored), or bad flags' },
    docs: ['docs/evidence-format.md', 'docs/trust-results.md'],
  })
    .requiredOption('--evidence <file>', 'evidence file, one JSON object per terminal per cycle')
    .option('--scheme <name>', 'robust | paper | paper-rm | brs | brs-attest | sl | tdtc', 'robust')
    .option('--th-on <x>', 'DTMS ThON (paper schemes; calibrate it with `trust experiment`)', '0.925')
    .option('--dev-th <x>', 'DTMS DevTh (paper schemes)', '0.03')
    .option('--truth <file>', 'ground truth written by `gridtrust trust world` (adds a detection summary)')
    .addOption(conceptOption('json', { detail: 'a summary and one decision per record' }))
    .action((f: ScoreFlags) => scoreAction(ctx, f));
}

interface WorldFlags {
  exportEvidence: string;
  seed: string;
  malicious: string;
  cycles: string;
  noise: string;
  attacks: string;
  json?: boolean;
}

/** What `exportEvidenceWorld` wrote. */
export interface EvidenceExport {
  file: string;
  truthFile: string;
  records: number;
  terminals: number;
  cycles: number;
  malicious: number;
}

/**
 * Simulates the evidence world of trust spec §6 and writes its evidence (JSON lines) plus FILE.truth.json.
 * Shared by `trust world --export-evidence` and `simulate --export-evidence`.
 */
export function exportEvidenceWorld(o: {
  file: string;
  seed: number;
  ratio: number;
  cycles: number;
  noise: number;
  attacks: readonly AttackType[];
}): EvidenceExport {
  const world = createWorld({ seed: o.seed, maliciousRatio: o.ratio, noise: o.noise, attacks: o.attacks });
  const overhead = { statusReportBits: 1024, attestJoules: 0.5e-3, attestEvery: 1, recommendations: true };
  const excluded = new Uint8Array(world.size);
  const lines: string[] = [];
  for (let t = 0; t <= o.cycles; t++) {
    for (const r of toEvidenceRecords(world, world.step({ excluded, overhead })))
      lines.push(JSON.stringify(r));
  }
  writeFileSync(o.file, `${lines.join('\n')}\n`);
  const truth = world.nodes.map((n, i) => ({
    terminal: n.id,
    attack: world.truth.attack[i] ?? null,
    onset: world.truth.attack[i] === undefined ? null : world.truth.onset[i],
  }));
  const truthFile = `${o.file}.truth.json`;
  writeFileSync(truthFile, JSON.stringify({ truth }, null, 1));
  const malicious = truth.filter((t) => t.attack !== null).length;
  return {
    file: o.file,
    truthFile,
    records: lines.length,
    terminals: world.size,
    cycles: o.cycles + 1,
    malicious,
  };
}

/** Parses a comma-separated attack list (usage error naming the bad entry). */
export function parseAttackList(text: string): AttackType[] {
  return text.split(',').map((a) => {
    const t = ATTACK_TYPES.find((x) => x === a.trim().toUpperCase());
    if (t === undefined) {
      throw new CliError('GT_ERR_CLI_USAGE', `unknown attack "${a}"`, {
        hint: `use a subset of ${ATTACK_TYPES.join(',')}`,
      });
    }
    return t;
  });
}

function worldAction(ctx: CommandContext, f: WorldFlags): void {
  const doc = exportEvidenceWorld({
    file: f.exportEvidence,
    seed: parseNumberArg('--seed', f.seed, { min: 0, integer: true }),
    ratio: parseNumberArg('--malicious', f.malicious, { min: 0, max: 0.9 }),
    cycles: parseNumberArg('--cycles', f.cycles, { min: 1, max: 10000, integer: true }),
    noise: parseNumberArg('--noise', f.noise, { min: 0, max: 0.5 }),
    attacks: parseAttackList(f.attacks),
  });
  if (f.json === true) printJson(ctx.io, doc);
  else
    ctx.io.out(
      `wrote ${doc.records} evidence lines (${doc.terminals} terminals, cycles 0..${doc.cycles - 1}) to ${doc.file}; ground truth in ${doc.truthFile}\n`,
    );
}

/** Registers `trust world` (the evidence export; `gridtrust simulate --export-evidence` reuses it). */
export function registerTrustWorld(trust: Command, ctx: CommandContext): void {
  const cmd = describe(trust.command('world'), {
    purpose: 'simulate the behaviour-evidence world and export its evidence as JSON lines, with ground truth',
    details:
      'One fusion terminal with 100 LVESUs; attackers use the attack types A1..A8 of\n' +
      'docs/trust-results.md, round-robin, each from a random onset cycle. Cycle 0 is enrolment; cycles\n' +
      '1..--cycles are scored. FILE.truth.json gets the ground truth.',
    examples: [
      'gridtrust trust world --export-evidence ev.jsonl --seed 7 --malicious 0.3',
      'gridtrust trust world --export-evidence ev.jsonl --cycles 20 --json',
    ],
    docs: ['docs/evidence-format.md'],
  });
  cmd
    .requiredOption(
      '--export-evidence <file>',
      'where to write the evidence (JSON lines); FILE.truth.json gets the ground truth',
    )
    .addOption(conceptOption('seed', { detail: 'seeds the world' }))
    .option('--noise <p>', 'honest non-core attestation glitch probability', '0')
    .option('--attacks <list>', 'attack types, round-robin', ATTACK_TYPES.join(','))
    .addOption(conceptOption('json'))
    .action((f: WorldFlags) => worldAction(ctx, f));
  addConcept(cmd, 'malicious', { default: '0.2' });
  addConcept(cmd, 'cycles', { default: '50', detail: 'after enrolment (cycle 0)' });
}
