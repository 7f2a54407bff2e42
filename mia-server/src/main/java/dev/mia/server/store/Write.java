package dev.mia.server.store;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;

/**
 * One queued write: its SQL, run by the {@link GroupCommitWriter} inside a batch's transaction, and
 * the stage its caller holds, completed once that transaction has committed. A write may run more
 * than once (a failed batch is retried one write at a time), so {@link #apply} keeps nothing but
 * its result; what must change in memory after a commit goes through {@link Tx}.
 */
abstract class Write<T> {
  final CompletableFuture<T> stage = new CompletableFuture<>();
  // Confined to the writer thread.
  private T result;
  private RuntimeException refusal;

  /** {@return the result for the caller} Runs on the writer thread, inside the transaction. */
  abstract T apply(Tx tx) throws SQLException;

  /**
   * Makes this write's stage fail with {@code reason} once the batch commits, without failing the
   * batch: for a refusal that is an answer (a full store), not a fault.
   */
  final void refuse(RuntimeException reason) {
    this.refusal = reason;
  }

  final void run(Tx tx) throws SQLException {
    result = null;
    refusal = null;
    result = apply(tx);
  }

  /** Completes the stage with what the last run gave, after its transaction committed. */
  final void complete() {
    if (refusal != null) {
      stage.completeExceptionally(refusal);
    } else {
      stage.complete(result);
    }
  }

  final void fail(Throwable failure) {
    stage.completeExceptionally(failure);
  }
}
