// `gridtrust users add|list|disable|passwd` and `gridtrust tokens create|list|revoke`: the API's
// local accounts and script tokens, in the data dir's api.db (scrypt hashes; tokens stored hashed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Option, type Command } from 'commander';
import {
  API_STATE_FILE,
  createAuthService,
  openSqliteApiState,
  type AuthService,
  type UserView,
} from '../../api/index.ts';
import { resolveDataDir } from '../../storage/index.ts';
import type { CommandContext, RegisterCommand } from '../command.ts';
import { CliError } from '../errors.ts';
import { describe, withDerivedDefault } from '../help.ts';
import { parseNumberArg, printJson, resolveSecret, type CliIo } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';
import { conceptOption } from '../vocabulary.ts';

const ROLES_HELP = 'viewer | operator | security-officer | admin';

async function withAuth<T>(
  io: CliIo,
  dataDir: string | undefined,
  f: (a: AuthService) => Promise<T> | T,
): Promise<T> {
  const dir = resolveDataDir(dataDir, io.env);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const state = openSqliteApiState({ path: join(dir, API_STATE_FILE) });
  const clock = createSystemClock();
  try {
    return await f(createAuthService({ state, now: () => clock.now() }));
  } finally {
    state.close();
  }
}

function password(io: CliIo, file: string | undefined): string {
  const p = resolveSecret(io, { flag: '--password', file, envVar: 'GRIDTRUST_PASSWORD' });
  if (p === undefined)
    throw new CliError('GT_ERR_CLI_MISSING_SECRET', 'no password given', {
      hint: 'pass --password-file FILE (first line) or set GRIDTRUST_PASSWORD; never on the command line',
    });
  return p.split('\n')[0] ?? '';
}

const userOut = (u: UserView) => ({ ...u, createdAt: new Date(u.createdAt).toISOString() });

const show = (ctx: CommandContext, json: boolean | undefined, value: unknown, line: string): void => {
  if (json === true) printJson(ctx.io, value);
  else ctx.io.out(`${line}\n`);
};

interface Flags {
  username?: string;
  role?: string;
  passwordFile?: string;
  dataDir?: string;
  json?: boolean;
  name?: string;
  id?: string;
  ttlDays?: string;
}

function registerUsers(program: Command, ctx: CommandContext): void {
  const users = describe(program.command('users'), {
    purpose: `local accounts of the API and dashboard (roles: ${ROLES_HELP})`,
    examples: [
      'gridtrust users add --username alice --role operator --password-file ./alice.pw',
      'gridtrust users list',
    ],
    docs: ['docs/operator-guide.md'],
  });
  describe(users.command('add'), {
    purpose: 'add a user (scrypt-hashed password)',
    examples: ['gridtrust users add --username alice --role operator --password-file ./alice.pw'],
    docs: ['docs/operator-guide.md'],
  })
    .requiredOption('--username <name>', 'lower-case letters, digits, . _ -')
    .requiredOption('--role <role>', ROLES_HELP)
    .option('--password-file <file>', 'file whose first line is the password; else $GRIDTRUST_PASSWORD')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ username, role, disabled, createdAt, locked }' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, async (a) => {
        const u = await a.addUser({
          username: f.username ?? '',
          role: f.role ?? '',
          password: password(ctx.io, f.passwordFile),
        });
        show(ctx, f.json, userOut(u), `user ${u.username} added (${u.role})`);
      }),
    );
  describe(users.command('list'), {
    purpose: 'list users (never their hashes)',
    examples: ['gridtrust users list --json'],
    docs: ['docs/operator-guide.md'],
  })
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ users: [...] }' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, (a) => {
        const list = a.listUsers();
        show(
          ctx,
          f.json,
          { users: list },
          list
            .map(
              (u) =>
                `${u.username.padEnd(20)} ${u.role.padEnd(17)} ${u.disabled ? 'disabled' : u.locked ? 'locked' : 'active'}`,
            )
            .join('\n') || 'no users (add one with gridtrust users add)',
        );
      }),
    );
  describe(users.command('disable'), {
    purpose: 'disable a user and end their sessions',
    examples: ['gridtrust users disable --username alice'],
    docs: ['docs/operator-guide.md'],
  })
    .requiredOption('--username <name>', 'the user')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: 'the user' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, (a) =>
        show(ctx, f.json, userOut(a.disableUser(f.username ?? '')), `user ${f.username} disabled`),
      ),
    );
  describe(users.command('passwd'), {
    purpose: 'set a user’s password (ends their sessions, clears a lock)',
    examples: ['gridtrust users passwd --username alice --password-file ./new.pw'],
    docs: ['docs/operator-guide.md'],
  })
    .requiredOption('--username <name>', 'the user')
    .option('--password-file <file>', 'file whose first line is the password; else $GRIDTRUST_PASSWORD')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: 'the user' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, async (a) =>
        show(
          ctx,
          f.json,
          userOut(await a.setPassword(f.username ?? '', password(ctx.io, f.passwordFile))),
          `password of ${f.username} changed`,
        ),
      ),
    );
}

function registerTokens(program: Command, ctx: CommandContext): void {
  const tokens = describe(program.command('tokens'), {
    purpose: 'API tokens for scripts (Authorization: Bearer <token>)',
    examples: ['gridtrust tokens create --role viewer --name grafana --json', 'gridtrust tokens list'],
    docs: ['docs/operator-guide.md'],
  });
  describe(tokens.command('create'), {
    purpose: 'create a token; it is printed once, only its hash is stored',
    examples: ['gridtrust tokens create --role viewer --name grafana --json'],
    docs: ['docs/operator-guide.md'],
  })
    .requiredOption('--role <role>', ROLES_HELP)
    .requiredOption('--name <name>', 'what it is for (letters, digits, . _ -)')
    .addOption(withDerivedDefault(new Option('--ttl-days <n>', 'expire after n days'), 'never'))
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ token, id, name, role, expiresAt }' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, (a) => {
        const ttl =
          f.ttlDays === undefined
            ? undefined
            : parseNumberArg('--ttl-days', f.ttlDays, { min: 1, max: 3650, integer: true });
        const t = a.createToken({
          name: f.name ?? '',
          role: f.role ?? '',
          ...(ttl !== undefined ? { ttlMs: ttl * 86400_000 } : {}),
        });
        const out = {
          token: t.token,
          id: t.id,
          name: t.name,
          role: t.role,
          expiresAt: t.expiresAt === null ? null : new Date(t.expiresAt).toISOString(),
        };
        show(
          ctx,
          f.json,
          out,
          `${t.token}\n(token ${t.id} "${t.name}", role ${t.role}: shown once, store it now)`,
        );
      }),
    );
  describe(tokens.command('list'), {
    purpose: 'list tokens (ids, names, roles; never the tokens)',
    examples: ['gridtrust tokens list'],
    docs: ['docs/operator-guide.md'],
  })
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ tokens: [...] }' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, (a) => {
        const list = a.listTokens();
        show(
          ctx,
          f.json,
          { tokens: list },
          list
            .map(
              (t) =>
                `${t.id}  ${t.name.padEnd(20)} ${t.role.padEnd(17)} ${t.revoked ? 'revoked' : t.expired ? 'expired' : 'valid'}`,
            )
            .join('\n') || 'no tokens',
        );
      }),
    );
  describe(tokens.command('revoke'), {
    purpose: 'revoke a token by its id',
    examples: ['gridtrust tokens revoke --id AbCdEf12'],
    exitCodes: { 0: 'revoked', 1: 'no token with that id' },
    docs: ['docs/operator-guide.md'],
  })
    .requiredOption('--id <id>', 'the 8-character id from tokens list')
    .addOption(conceptOption('dataDir'))
    .addOption(conceptOption('json', { detail: '{ id, revoked }' }))
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, (a) => {
        const ok = a.revokeToken(f.id ?? '');
        show(ctx, f.json, { id: f.id, revoked: ok }, ok ? `token ${f.id} revoked` : `no token ${f.id}`);
        if (!ok) ctx.setExitCode(1);
      }),
    );
}

export const registerUsersAndTokens: RegisterCommand = (program, ctx) => {
  registerUsers(program, ctx);
  registerTokens(program, ctx);
};
