package dev.docket.usecase.port;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationHistogramTest {
  @Test
  void buckets_growByAQuarterOfAPowerOfTwo_fromZeroToTheLast() {
    assertThat(DurationHistogram.bucketOf(Duration.ZERO)).isZero();
    assertThat(DurationHistogram.bucketOf(Duration.ofMillis(-5))).isZero();
    assertThat(DurationHistogram.bucketOf(Duration.ofMillis(1))).isEqualTo(13);
    assertThat(DurationHistogram.bucketOf(Duration.ofSeconds(1))).isEqualTo(53);
    assertThat(DurationHistogram.bucketOf(Duration.ofDays(400)))
        .isEqualTo(DurationHistogram.BUCKETS - 1);
    for (int bucket = 1; bucket < 120; bucket++) {
      Duration low = DurationHistogram.lowerBound(bucket);
      assertThat(DurationHistogram.bucketOf(low.plusNanos(1_000))).isEqualTo(bucket);
      assertThat(DurationHistogram.bucketOf(low.minusNanos(1_000))).isEqualTo(bucket - 1);
    }
  }

  @Test
  void quantiles_areWithinTenPercentOfTheExactOnes() {
    long[] counts = new long[DurationHistogram.BUCKETS];
    for (int millis = 1; millis <= 1_000; millis++) {
      counts[DurationHistogram.bucketOf(Duration.ofMillis(millis))]++;
    }
    var histogram = DurationHistogram.of(counts);

    assertThat(histogram.total()).isEqualTo(1_000);
    assertThat(histogram.quantile(0.5).orElseThrow().toNanos() / 1e6).isCloseTo(500, within(50.0));
    assertThat(histogram.quantile(0.95).orElseThrow().toNanos() / 1e6).isCloseTo(950, within(95.0));
    assertThat(DurationHistogram.empty().quantile(0.5)).isEmpty();
  }

  @Test
  void plus_addsBucketByBucket_andTrailingEmptyBucketsAreNotKept() {
    var sum = DurationHistogram.of(1, 2).plus(DurationHistogram.of(0, 1, 3, 0, 0));

    assertThat(sum).isEqualTo(DurationHistogram.of(1, 3, 3));
    assertThat(sum.counts()).containsExactly(1, 3, 3);
    assertThat(DurationHistogram.of(0, 0)).isEqualTo(DurationHistogram.empty());
  }

  @Test
  void negativeCountsOrTooManyBuckets_areRefused() {
    assertThatThrownBy(() -> DurationHistogram.of(1, -1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationHistogram.of(new long[DurationHistogram.BUCKETS + 1]))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DurationHistogram.empty().quantile(1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
