// Writer extension of the writer-extension test: commits each batch it is sent and answers with the result or the error.
import { StorageError } from '../errors.ts';
import type { CommitBatch } from '../types.ts';
import type { AttachWriterExtension } from './writer-extension.ts';

/** What the test sends: one batch to commit, under its own id. */
export interface FixtureRequest {
  readonly id: number;
  readonly batch: CommitBatch;
}

/** What the fixture answers; `tag` echoes the data it was attached with. */
export type FixtureReply =
  | { readonly id: number; readonly tag: unknown; readonly ok: true; readonly stored: number }
  | {
      readonly id: number;
      readonly tag: unknown;
      readonly ok: false;
      readonly storageError: boolean;
      readonly code: string;
      readonly message: string;
    };

export const attachWriterExtension: AttachWriterExtension = (host, port, data) => {
  const tag = (data as { tag?: unknown } | undefined)?.tag;
  port.on('message', (m: FixtureRequest) => {
    let reply: FixtureReply;
    try {
      reply = { id: m.id, tag, ok: true, stored: host.commit(m.batch).stored };
    } catch (e) {
      const storageError = e instanceof StorageError;
      const code = storageError ? e.code : 'not a StorageError';
      reply = {
        id: m.id,
        tag,
        ok: false,
        storageError,
        code,
        message: e instanceof Error ? e.message : String(e),
      };
    }
    port.postMessage(reply);
  });
};
