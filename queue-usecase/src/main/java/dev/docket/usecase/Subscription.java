package dev.docket.usecase;

/** A subscription to job changes; closing it stops delivery and frees what it holds. */
public interface Subscription extends AutoCloseable {
  /** Whether changes are still delivered: not closed, not dropped. */
  boolean isOpen();

  @Override
  void close();
}
