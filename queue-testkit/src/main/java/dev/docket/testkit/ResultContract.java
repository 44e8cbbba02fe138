package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.docket.domain.Job;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome.Completed;
import dev.docket.domain.Outcome.Failed;
import dev.docket.domain.Outcome.Retried;
import dev.docket.domain.Progress;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.ProgressReport;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The rules of results and progress: a completed job keeps the result its handler returned, exactly
 * as given and as long as {@link Job#MAX_RESULT_LENGTH}; {@link
 * dev.docket.usecase.port.JobClaims#reportProgress} stores progress only under the fence of the
 * job's current lease; a new attempt starts without progress, and a finished job keeps its last.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows.
 */
public abstract class ResultContract extends JobStorageFixture {
  /** JSON with quotes, escapes, non-ASCII and a character outside the basic plane. */
  static final String AWKWARD_JSON =
      "{\"name\":\"Gr\u00fc\u00dfe \u00abquoted\u00bb \\\"too\\\" \ud83d\ude80\",\"n\":[1,2.5,null],"
          + "\"nested\":{\"empty\":\"\",\"line\":\"a\\nb\"}}";

  @Nested
  class Results {
    @Test
    void completedWithAResult_keepsIt_characterForCharacter() {
      var claimed = claimNew(spec(QUEUE));
      var outcome = new Completed(claimed.id(), fence(claimed), now(), Optional.of(AWKWARD_JSON));

      assertThat(report(outcome)).isEmpty();

      Job stored = stored(claimed.id());
      assertThat(stored.result()).contains(AWKWARD_JSON);
      assertThat(stored).hasSameFieldsAs(outcome.applyTo(claimed));
    }

    @Test
    void completedWithoutAResult_hasNone() {
      var claimed = claimNew(spec(QUEUE));

      reportAccepted(completedNow(claimed));

      assertThat(stored(claimed.id()).result()).isEmpty();
    }

    @Test
    void aResultOfTheLargestAllowedLength_isKeptWhole() {
      var claimed = claimNew(spec(QUEUE));
      String padding = "\u00e9".repeat(Job.MAX_RESULT_LENGTH - 2);
      String largest = "\"" + padding + "\"";
      assertThat(largest).hasSize(Job.MAX_RESULT_LENGTH);

      reportAccepted(new Completed(claimed.id(), fence(claimed), now(), Optional.of(largest)));

      assertThat(stored(claimed.id()).result()).contains(largest);
    }

    @Test
    void aBatchOfCompletions_keepsEachJobsOwnResult() {
      var first = claimNew(spec(QUEUE));
      var second = claimNew(spec(QUEUE));
      var third = claimNew(spec(QUEUE));

      assertThat(
              report(
                  new Completed(first.id(), fence(first), now(), Optional.of("1")),
                  new Completed(second.id(), fence(second), now()),
                  new Completed(third.id(), fence(third), now(), Optional.of("\"three\""))))
          .isEmpty();

      assertThat(stored(first.id()).result()).contains("1");
      assertThat(stored(second.id()).result()).isEmpty();
      assertThat(stored(third.id()).result()).contains("\"three\"");
    }

    @Test
    void listedJobs_carryTheirResults() {
      var claimed = claimNew(spec(QUEUE));
      reportAccepted(new Completed(claimed.id(), fence(claimed), now(), Optional.of("42")));

      assertThat(storage.list(JobQuery.all()).jobs())
          .singleElement()
          .satisfies(job -> assertThat(job.result()).contains("42"));
    }

    @Test
    void aCompletionUnderAStaleFence_isRefused_andStoresNoResult() {
      var claimed = claimNew(spec(QUEUE));
      var stale = new Completed(claimed.id(), fence(claimed) - 1, now(), Optional.of("1"));

      assertThat(report(stale)).containsExactly(stale);

      assertThat(stored(claimed.id())).hasState(JobState.RUNNING);
      assertThat(stored(claimed.id()).result()).isEmpty();
    }
  }

  @Nested
  class ProgressReports {
    @Test
    void progressUnderTheLeasesFence_isStored_andKeepsTheJobRunning() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));
      var progress =
          new Progress(40, "resizing page 12 of 30 \u2014 \u00fcber \ud83d\ude80", now());

      assertThat(storage.reportProgress(new ProgressReport(claimed.id(), fence(claimed), progress)))
          .isTrue();

      Job stored = stored(claimed.id());
      assertThat(stored.progress()).contains(progress);
      assertThat(stored)
          .hasState(JobState.RUNNING)
          .hasSameFieldsAs(claimed.reportProgress(fence(claimed), progress));
      assertThat(stored.lease()).isEqualTo(claimed.lease());
    }

    @Test
    void progressUnderAStaleFence_isRefused_andChangesNothing() {
      var claimed = claimNew(spec(QUEUE));
      var progress = new Progress(10, "", now());

      assertThat(
              storage.reportProgress(
                  new ProgressReport(claimed.id(), fence(claimed) + 1, progress)))
          .isFalse();

      assertThat(stored(claimed.id())).hasSameFieldsAs(claimed);
    }

    @Test
    void progressOfAJobThatIsNotRunning_orIsGone_isRefused() {
      var pending = insert(spec(QUEUE));
      var progress = new Progress(10, "", now());

      assertThat(storage.reportProgress(new ProgressReport(pending.id(), 1, progress))).isFalse();
      assertThat(storage.reportProgress(new ProgressReport(nextId(), 1, progress))).isFalse();

      assertThat(stored(pending.id())).hasSameFieldsAs(pending);
    }

    @Test
    void aLaterReport_replacesAnEarlierOne() {
      var claimed = claimNew(spec(QUEUE));
      long fence = fence(claimed);
      storage.reportProgress(new ProgressReport(claimed.id(), fence, new Progress(10, "a", now())));
      clock.advance(Duration.ofSeconds(1));
      var later = new Progress(90, "b", now());

      storage.reportProgress(new ProgressReport(claimed.id(), fence, later));

      assertThat(stored(claimed.id()).progress()).contains(later);
    }

    @Test
    void aFinishedJob_keepsItsLastProgress_andANewAttemptStartsWithout() {
      var claimed = claimNew(specBuilder(QUEUE).maxAttempts(3).build());
      var progress = new Progress(70, "almost", now());
      storage.reportProgress(new ProgressReport(claimed.id(), fence(claimed), progress));
      var retried = new Retried(claimed.id(), fence(claimed), now(), error(claimed), now());
      assertThat(report(retried)).isEmpty();
      assertThat(stored(claimed.id()).progress()).contains(progress);

      var again = claimOnly(stored(claimed.id()));
      assertThat(again.progress()).isEmpty();
      assertThat(stored(claimed.id()).progress()).isEmpty();

      var last = new Progress(20, "stuck", now());
      storage.reportProgress(new ProgressReport(again.id(), fence(again), last));
      reportAccepted(new Failed(again.id(), fence(again), now(), error(again)));
      assertThat(stored(again.id())).hasState(JobState.FAILED);
      assertThat(stored(again.id()).progress()).contains(last);
    }
  }
}
