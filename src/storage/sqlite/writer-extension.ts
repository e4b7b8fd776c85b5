// Writer extensions: a module another area names runs inside the SQLite write worker and commits there.
import type { MessagePort } from 'node:worker_threads';
import type { CommitBatch, CommitResult } from '../types.ts';

/**
 * What the write worker lends an extension: `commit` validates a batch and writes it as one group
 * transaction on the worker's connection (the same path as `Store.commitBatch`: savepoint isolation,
 * evidence buffer, inbox merges) and returns after COMMIT, or throws a `StorageError` having written
 * nothing. Synchronous: the extension runs in the writer's own thread.
 */
export interface WriterHost {
  commit(batch: CommitBatch): CommitResult;
}

/**
 * The function an extension module exports as `attachWriterExtension`: called once in the write
 * worker with the host, the extension's end of its own message channel, and the data it was given.
 * It must not throw after returning; the worker closes the port when the store closes.
 */
export type AttachWriterExtension = (host: WriterHost, port: MessagePort, data: unknown) => void;
