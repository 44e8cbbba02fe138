package dev.docket.store.memory;

import dev.docket.usecase.port.HistoryTally;
import dev.docket.usecase.port.JobHistory;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The history of attempts in sorted maps, one per resolution, keyed by bucket, queue and kind. One
 * lock guards them: each node adds a handful of tallies every few seconds, and charts read a few
 * thousand.
 */
final class InMemoryJobHistory implements JobHistory {
  private record Key(Instant bucket, String queue, String kind) {}

  private static final Comparator<Key> ORDER =
      Comparator.comparing(Key::bucket).thenComparing(Key::queue).thenComparing(Key::kind);

  private final TreeMap<Resolution, TreeMap<Key, HistoryTally>> tallies = new TreeMap<>();

  InMemoryJobHistory() {
    for (Resolution resolution : Resolution.values()) {
      tallies.put(resolution, new TreeMap<>(ORDER));
    }
  }

  @Override
  public synchronized void add(Resolution resolution, List<HistoryTally> added) {
    JobHistory.requireBuckets(resolution, added);
    var kept = tallies.get(resolution);
    for (HistoryTally tally : added) {
      kept.merge(new Key(tally.bucket(), tally.queue(), tally.kind()), tally, HistoryTally::plus);
    }
  }

  @Override
  public synchronized List<HistoryTally> read(
      Resolution resolution,
      Instant from,
      Instant to,
      Optional<String> queue,
      Optional<String> kind) {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      return List.of();
    }
    var out = new ArrayList<HistoryTally>();
    for (HistoryTally tally :
        tallies.get(resolution).subMap(new Key(from, "", ""), new Key(to, "", "")).values()) {
      if (queue.map(tally.queue()::equals).orElse(true)
          && kind.map(tally.kind()::equals).orElse(true)) {
        out.add(tally);
      }
    }
    return out;
  }

  @Override
  public synchronized int purge(Instant now) {
    int purged = 0;
    for (var entry : tallies.entrySet()) {
      var old = entry.getValue().headMap(new Key(now.minus(entry.getKey().retention()), "", ""));
      purged += old.size();
      old.clear();
    }
    return purged;
  }
}
