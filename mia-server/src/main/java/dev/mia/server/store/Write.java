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

  /**
   * What the commit of this write changes in memory beside the database, such as a cache; runs on
   * the writer thread after the commit, in commit order, before the stage completes, and not for a
   * refused write. Nothing by default.
   */
  void committed(T result) {}

  /**
   * What a failure of this write changes in memory: whether the database took it is unknown. Runs
   * before the stage fails. Nothing by default.
   */
  void failed() {}

  /** Completes the stage with what the last run gave, after its transaction committed. */
  final void complete() {
    if (refusal != null) {
      stage.completeExceptionally(refusal);
    } else {
      committed(result);
      stage.complete(result);
    }
  }

  final void fail(Throwable failure) {
    failed();
    stage.completeExceptionally(failure);
  }
}
