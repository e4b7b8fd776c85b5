// `gridtrust users add|list|disable|passwd` and `gridtrust tokens create|list|revoke`: the API's
// local accounts and script tokens, in the data dir's api.db (scrypt hashes; tokens stored hashed).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
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
import { parseNumberArg, printJson, resolveSecret, type CliIo } from '../io.ts';
import { createSystemClock } from '../system-clock.ts';

const DATA_DIR_HELP = 'data directory (default $GRIDTRUST_DATA_DIR or ./.gridtrust)';
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
  const users = program
    .command('users')
    .description('local accounts of the API and dashboard (roles: ' + ROLES_HELP + ')');
  users
    .command('add')
    .description('add a user (scrypt-hashed password)')
    .requiredOption('--username <name>', 'lower-case letters, digits, . _ -')
    .requiredOption('--role <role>', ROLES_HELP)
    .option('--password-file <file>', 'file whose first line is the password (else $GRIDTRUST_PASSWORD)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print { username, role, disabled, createdAt, locked }')
    .addHelpText(
      'after',
      '\nExample:\n  gridtrust users add --username alice --role operator --password-file ./alice.pw',
    )
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
  users
    .command('list')
    .description('list users (never their hashes)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print { users: [...] }')
    .addHelpText('after', '\nExample:\n  gridtrust users list --json')
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
  users
    .command('disable')
    .description('disable a user and end their sessions')
    .requiredOption('--username <name>', 'the user')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print the user')
    .addHelpText('after', '\nExample:\n  gridtrust users disable --username alice')
    .action((f: Flags) =>
      withAuth(ctx.io, f.dataDir, (a) =>
        show(ctx, f.json, userOut(a.disableUser(f.username ?? '')), `user ${f.username} disabled`),
      ),
    );
  users
    .command('passwd')
    .description('set a user’s password (ends their sessions, clears a lock)')
    .requiredOption('--username <name>', 'the user')
    .option('--password-file <file>', 'file whose first line is the password (else $GRIDTRUST_PASSWORD)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print the user')
    .addHelpText('after', '\nExample:\n  gridtrust users passwd --username alice --password-file ./new.pw')
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
  const tokens = program
    .command('tokens')
    .description('API tokens for scripts (Authorization: Bearer <token>)');
  tokens
    .command('create')
    .description('create a token; it is printed once, only its hash is stored')
    .requiredOption('--role <role>', ROLES_HELP)
    .requiredOption('--name <name>', 'what it is for (letters, digits, . _ -)')
    .option('--ttl-days <n>', 'expire after n days (default: never)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print { token, id, name, role, expiresAt }')
    .addHelpText('after', '\nExample:\n  gridtrust tokens create --role viewer --name grafana --json')
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
  tokens
    .command('list')
    .description('list tokens (ids, names, roles; never the tokens)')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print { tokens: [...] }')
    .addHelpText('after', '\nExample:\n  gridtrust tokens list')
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
  tokens
    .command('revoke')
    .description('revoke a token by its id')
    .requiredOption('--id <id>', 'the 8-character id from tokens list')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', 'print { id, revoked }')
    .addHelpText('after', '\nExample:\n  gridtrust tokens revoke --id AbCdEf12')
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
