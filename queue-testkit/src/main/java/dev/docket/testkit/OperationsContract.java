package dev.docket.testkit;

import static dev.docket.testkit.DocketAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.docket.domain.AttemptError;
import dev.docket.domain.IllegalTransitionException;
import dev.docket.domain.Job;
import dev.docket.domain.JobId;
import dev.docket.domain.JobState;
import dev.docket.domain.Outcome;
import dev.docket.domain.Priority;
import dev.docket.usecase.port.ErrorGroup;
import dev.docket.usecase.port.JobOperations;
import dev.docket.usecase.port.JobPage;
import dev.docket.usecase.port.JobQuery;
import dev.docket.usecase.port.PurgeRequest;
import dev.docket.usecase.port.QueueStats;
import dev.docket.usecase.port.RunningQuery;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The rules of {@link JobOperations}: {@code update} changes one job atomically and writes nothing
 * when the change returns the same job; {@code list} pages through jobs newest first with every
 * filter; {@code stats} counts each queue's jobs by state and says which are runnable; {@code
 * delete} removes any job but a running one and frees its unique key; {@code running} lists the
 * jobs each lease owner runs, longest-running first, at most a limit per owner.
 *
 * <p>A store's tests run it with one subclass that only supplies the store, as {@link
 * JobStorageFixture} shows. Not thread-safe itself: JUnit makes one instance per test.
 */
public abstract class OperationsContract extends JobStorageFixture {
  /** The order a list returns jobs in. */
  private static final Comparator<Job> NEWEST_FIRST = Comparator.comparing(Job::id).reversed();

  @Nested
  class Update {

    @Test
    void update_cancelsAPendingJob_soItIsNeverClaimed() {
      var job = insert(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      var updated = storage.update(job.id(), it -> it.cancel(now()));

      assertThat(updated).contains(job.cancel(now()));
      assertThat(stored(job.id()))
          .hasState(JobState.CANCELLED)
          .hasFinishedAt(now())
          .hasSameFieldsAs(updated.orElseThrow());
      assertThat(claim(QUEUE, 10)).as("jobs claimed").isEmpty();
    }

    @Test
    void update_asksARunningJobToStop_andKeepsItRunning() {
      var claimed = claimNew(spec(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      var updated = storage.update(claimed.id(), it -> it.cancel(now()));

      assertThat(updated).contains(claimed.cancel(now()));
      assertThat(stored(claimed.id()))
          .hasState(JobState.RUNNING)
          .isCancelRequested()
          .isLeasedBy(OWNER)
          .hasLeaseFence(fence(claimed))
          .hasVersion(claimed.version() + 1);
    }

    @Test
    void update_requeuesAFailedJob_soItCanBeClaimedAgain() {
      var failed = given(JobState.FAILED, specBuilder(QUEUE).maxAttempts(1));
      clock.advance(Duration.ofMinutes(5));

      var updated = storage.update(failed.id(), it -> it.requeue(now()));

      assertThat(updated).contains(failed.requeue(now()));
      assertThat(stored(failed.id()))
          .hasState(JobState.PENDING)
          .hasRunAt(now())
          .hasAttempt(1)
          .hasMaxAttempts(2)
          .hasErrorCount(1)
          .hasNoFinishedAt()
          .isRunnableAt(now());
      assertThat(claim(QUEUE, 10))
          .singleElement()
          .satisfies(again -> assertThat(again).hasAttempt(2).hasState(JobState.RUNNING));
    }

    @Test
    void update_keepsTheJob_andRethrows_whenTheChangeIsIllegal() {
      var completed = given(JobState.COMPLETED, specBuilder(QUEUE));
      clock.advance(Duration.ofSeconds(1));

      assertThatThrownBy(() -> storage.update(completed.id(), it -> it.cancel(now())))
          .isInstanceOfSatisfying(
              IllegalTransitionException.class,
              e -> {
                assertThat(e.jobId()).isEqualTo(completed.id());
                assertThat(e.from()).isEqualTo(JobState.COMPLETED);
              });

      assertThat(stored(completed.id())).hasSameFieldsAs(completed);
    }

    @Test
    void update_keepsTheJob_andRethrowsTheSameException_whenTheChangeFails() {
      var job = insert(spec(QUEUE));
      var failure = new IllegalStateException("The change gave up.");

      assertThatThrownBy(
              () ->
                  storage.update(
                      job.id(),
                      it -> {
                        throw failure;
                      }))
          .isSameAs(failure);

      assertThat(stored(job.id())).hasSameFieldsAs(job);
    }

    @Test
    void update_returnsEmpty_forAnUnknownJob() {
      insert(spec(QUEUE));

      assertThat(storage.update(TestJobs.id(999_999), it -> it.cancel(now()))).isEmpty();

      assertThat(storage.find(TestJobs.id(999_999))).isEmpty();
    }

    @Test
    void update_writesNothing_whenTheChangeReturnsTheSameJob() {
      var claimed = claimNew(spec(QUEUE));
      var asked = storage.update(claimed.id(), it -> it.cancel(now())).orElseThrow();
      clock.advance(Duration.ofSeconds(1));

      assertThat(storage.update(claimed.id(), it -> it)).contains(asked);
      // Cancelling a job that was already asked to stop returns the same snapshot.
      assertThat(storage.update(claimed.id(), it -> it.cancel(now()))).contains(asked);

      assertThat(stored(claimed.id())).hasSameFieldsAs(asked).hasVersion(claimed.version() + 1);
    }

    @Test
    void update_thatRaisesAPriority_changesTheClaimOrder() {
      var first = insert(spec(QUEUE, Priority.NORMAL, now().minusSeconds(10)));
      var raised = insert(spec(QUEUE, Priority.NORMAL, now()));

      storage.update(raised.id(), it -> it.raisePriority(1, now())).orElseThrow();

      assertThat(stored(raised.id())).hasPriority(Priority.of(51)).hasVersion(2);
      assertThat(claim(QUEUE, 10)).extracting(Job::id).containsExactly(raised.id(), first.id());
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void update_appliesConcurrentChanges_oneAfterAnother() throws Exception {
      var job = insert(spec(QUEUE, Priority.LOW, now()));
      var tasks = new ArrayList<Callable<Void>>();
      for (int t = 0; t < 4; t++) {
        tasks.add(
            () -> {
              for (int i = 0; i < 25; i++) {
                storage.update(job.id(), it -> it.raisePriority(1, now())).orElseThrow();
              }
              return null;
            });
      }

      runConcurrently(tasks);

      assertThat(stored(job.id())).hasPriority(Priority.URGENT).hasVersion(101);
    }
  }

  @Nested
  class ListJobs {
    private static final String ALPHA = "alpha";
    private static final String BETA = "beta";
    private static final String MAIL = "email.send";
    private static final String REPORT = "report.build";
    private static final String CUSTOMER = "customer=42";
    private static final String NIGHTLY = "nightly";

    private Instant start;

    @BeforeEach
    void fillTheStore() {
      start = now();
      given(JobState.PENDING, specBuilder(ALPHA).kind(MAIL).tags(CUSTOMER));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.PENDING, specBuilder(BETA).kind(MAIL));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.RUNNING, specBuilder(ALPHA).kind(REPORT).tags(CUSTOMER, NIGHTLY));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.COMPLETED, specBuilder(ALPHA).kind(MAIL).tags(NIGHTLY));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.FAILED, specBuilder(BETA).kind(REPORT).tags(CUSTOMER));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.CANCELLED, specBuilder(ALPHA).kind(REPORT));
      clock.advance(Duration.ofMinutes(1));
      given(JobState.PENDING, specBuilder(BETA).kind(MAIL).tags(NIGHTLY, CUSTOMER));
      clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void list_returnsEveryJob_newestFirst() {
      var page = storage.list(JobQuery.all());

      assertThat(page.jobs()).hasSize(7).containsExactlyElementsOf(sortedNewestFirst(job -> true));
      assertThat(page.nextAfterId()).isEmpty();
    }

    @Test
    void list_filtersByQueue() {
      assertListed(query().queue(ALPHA).build(), job -> job.queue().equals(ALPHA));
    }

    @Test
    void list_filtersByState() {
      assertListed(query().state(JobState.PENDING).build(), job -> job.state() == JobState.PENDING);
      assertListed(query().state(JobState.RUNNING).build(), job -> job.state() == JobState.RUNNING);
    }

    @Test
    void list_filtersByKind() {
      assertListed(query().kind(REPORT).build(), job -> job.kind().equals(REPORT));
    }

    @Test
    void list_filtersByTag() {
      assertListed(query().tag(NIGHTLY).build(), job -> job.tags().contains(NIGHTLY));
      assertListed(query().tag(CUSTOMER).build(), job -> job.tags().contains(CUSTOMER));
    }

    @Test
    void list_findsNothing_forATagThatIsOnlyPartOfAnother() {
      var page = storage.list(query().tag("customer").build());

      assertThat(page.jobs()).isEmpty();
    }

    @Test
    void list_filtersByCreatedFrom_includingTheBoundary() {
      var from = start.plus(Duration.ofMinutes(3));

      assertListed(query().createdFrom(from).build(), job -> !job.createdAt().isBefore(from));
    }

    @Test
    void list_filtersByCreatedBefore_excludingTheBoundary() {
      var before = start.plus(Duration.ofMinutes(3));

      assertListed(query().createdBefore(before).build(), job -> job.createdAt().isBefore(before));
    }

    @Test
    void list_filtersByACreatedRange() {
      var from = start.plus(Duration.ofMinutes(1));
      var before = start.plus(Duration.ofMinutes(4));

      assertListed(
          query().createdFrom(from).createdBefore(before).build(),
          job -> !job.createdAt().isBefore(from) && job.createdAt().isBefore(before));
    }

    @Test
    void list_answers_forTheWidestTimesAQueryMayName() {
      var everything =
          storage.list(
              query()
                  .createdFrom(JobQuery.EARLIEST_TIME)
                  .createdBefore(JobQuery.LATEST_TIME)
                  .build());
      var afterAll = storage.list(query().createdFrom(JobQuery.LATEST_TIME).build());
      var beforeAll = storage.list(query().createdBefore(JobQuery.EARLIEST_TIME).build());

      assertThat(everything.jobs()).containsExactlyElementsOf(sortedNewestFirst(job -> true));
      assertThat(afterAll.jobs()).isEmpty();
      assertThat(beforeAll.jobs()).isEmpty();
    }

    @Test
    void list_combinesFilters() {
      assertListed(
          query().queue(ALPHA).tag(NIGHTLY).build(),
          job -> job.queue().equals(ALPHA) && job.tags().contains(NIGHTLY));
      assertListed(
          query().queue(BETA).kind(MAIL).state(JobState.PENDING).tag(CUSTOMER).build(),
          job ->
              job.queue().equals(BETA)
                  && job.kind().equals(MAIL)
                  && job.state() == JobState.PENDING
                  && job.tags().contains(CUSTOMER));
      var from = start.plus(Duration.ofMinutes(2));
      assertListed(
          query().kind(REPORT).createdFrom(from).state(JobState.FAILED).build(),
          job ->
              job.kind().equals(REPORT)
                  && !job.createdAt().isBefore(from)
                  && job.state() == JobState.FAILED);
    }

    @Test
    void list_tellsDueJobs_fromScheduledOnes_byTheirRunAt() {
      var later =
          given(JobState.PENDING, specBuilder(ALPHA).runAt(now().plus(Duration.ofHours(1))));
      var dueNow = given(JobState.PENDING, specBuilder(BETA).runAt(now()));

      assertListed(
          query().due(now()).build(),
          job -> job.state() == JobState.PENDING && !job.runAt().isAfter(now()));
      assertThat(storage.list(query().due(now()).build()).jobs())
          .as("a job whose run-at is now is due")
          .contains(dueNow)
          .doesNotContain(later);
      assertThat(storage.list(query().scheduled(now()).build()).jobs()).containsExactly(later);
      assertThat(storage.list(query().scheduled(now().plus(Duration.ofHours(1))).build()).jobs())
          .as("scheduled strictly after the time asked about")
          .isEmpty();
    }

    @Test
    void count_countsTheMatches_ofEveryFilter() {
      assertThat(storage.count(JobQuery.all(), 1_000)).isEqualTo(7);
      assertThat(storage.count(query().queue(ALPHA).build(), 1_000)).isEqualTo(4);
      assertThat(storage.count(query().state(JobState.PENDING).kind(MAIL).build(), 1_000))
          .isEqualTo(3);
      assertThat(storage.count(query().tag(CUSTOMER).state(JobState.FAILED).build(), 1_000))
          .isEqualTo(1);
      assertThat(storage.count(query().queue("nobody").build(), 1_000)).isZero();
    }

    @Test
    void count_stopsAtTheCap() {
      assertThat(storage.count(JobQuery.all(), 3)).isEqualTo(3);
      assertThat(storage.count(JobQuery.all(), 7)).isEqualTo(7);
      assertThatThrownBy(() -> storage.count(JobQuery.all(), 0))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void count_countsOnlyPastTheCursor_andIgnoresThePageSize() {
      var firstTwo = storage.list(query().limit(2).build());

      assertThat(storage.count(query().limit(1).build(), 1_000)).isEqualTo(7);
      assertThat(storage.count(query().afterId(firstTwo.nextAfterId().orElseThrow()).build(), 100))
          .isEqualTo(5);
    }

    @Test
    void list_returnsAnEmptyLastPage_whenNothingMatches() {
      var page = storage.list(query().queue("nobody").build());

      assertThat(page.jobs()).isEmpty();
      assertThat(page.nextAfterId()).isEmpty();
    }

    @Test
    void list_takesNoMoreThanTheLimit_andPointsPastTheLastJob() {
      var page = storage.list(query().limit(3).build());

      var expected = sortedNewestFirst(job -> true).subList(0, 3);
      assertThat(page.jobs()).containsExactlyElementsOf(expected);
      assertThat(page.nextAfterId()).contains(expected.getLast().id());
    }

    @Test
    void list_pagesThroughEveryJob_exactlyOnce_newestFirst() {
      for (int i = 0; i < 16; i++) {
        clock.advance(Duration.ofSeconds(1));
        insert(spec(i % 2 == 0 ? ALPHA : BETA));
      }
      var expected = ids(sortedNewestFirst(job -> true));
      assertThat(expected).hasSize(23);

      var seen = walkAllPages(query().limit(5).build(), 5);

      assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
    }

    @Test
    void list_pagesThroughFilteredJobs_exactlyOnce() {
      var expected = ids(sortedNewestFirst(job -> job.queue().equals(ALPHA)));

      var seen = walkAllPages(query().queue(ALPHA).limit(2).build(), 2);

      assertThat(seen).doesNotHaveDuplicates().containsExactlyElementsOf(expected);
    }

    @Test
    void list_hasNoCursor_whenTheLastPageIsExactlyFull() {
      var page = storage.list(query().limit(7).build());

      assertThat(page.jobs()).hasSize(7);
      assertThat(page.nextAfterId()).as("cursor after the page holding the last job").isEmpty();
    }

    @Test
    void list_continuesAfterACursor_whoseJobWasPurged() {
      var firstPage = storage.list(query().limit(3).build());
      var cursor = firstPage.nextAfterId().orElseThrow();
      var cursorJob = stored(cursor);
      assertThat(cursorJob).hasState(JobState.FAILED);
      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.FAILED), now(), 10)))
          .isEqualTo(1);

      var nextPage = storage.list(query().limit(3).afterId(cursor).build());

      var expected =
          sortedNewestFirst(job -> job.id().compareTo(cursor) < 0).stream().limit(3).toList();
      assertThat(nextPage.jobs()).hasSize(3).containsExactlyElementsOf(expected);
    }

    @Test
    void list_ordersIds_asUnsignedNumbers() {
      for (var id : unsignedOrderIds()) {
        var job = Job.submit(id, spec(ALPHA), now());
        assertThat(storage.insert(List.of(job))).containsExactly(job);
        insertedIds.add(id);
      }

      var page = storage.list(query().limit(100).build());

      assertThat(page.jobs()).containsExactlyElementsOf(sortedNewestFirst(job -> true));
      assertThat(page.jobs().getFirst().id()).isEqualTo(unsignedOrderIds().getLast());
    }

    private JobQuery.Builder query() {
      return JobQuery.builder();
    }

    private void assertListed(JobQuery query, Predicate<Job> matches) {
      var expected = sortedNewestFirst(matches);
      assertThat(expected)
          .as("jobs the query should find: some, but not all, or the test could not fail")
          .isNotEmpty()
          .hasSizeLessThan(knownJobs().size());

      var page = storage.list(query);

      assertThat(page.jobs()).as("jobs listed for %s", query).containsExactlyElementsOf(expected);
      assertThat(page.nextAfterId()).as("cursor after the only page of %s", query).isEmpty();
    }

    private List<JobId> walkAllPages(JobQuery first, int pageSize) {
      var seen = new ArrayList<JobId>();
      var query = first;
      for (int pages = 1; ; pages++) {
        assertThat(pages).as("pages walked").isLessThanOrEqualTo(knownJobs().size() + 1);
        JobPage page = storage.list(query);
        page.jobs().forEach(job -> seen.add(job.id()));
        if (page.nextAfterId().isEmpty()) {
          return seen;
        }
        assertThat(page.jobs()).as("a page before the last").hasSize(pageSize);
        assertThat(page.nextAfterId()).contains(page.jobs().getLast().id());
        query = query.after(page.nextAfterId().get());
      }
    }
  }

  /**
   * Finding jobs as an operator does: by what their payload holds (JSON containment), by the short
   * id a list shows, and paging back as well as forward.
   */
  @Nested
  class FindJobs {
    private static final String ALPHA = "alpha";
    private static final String BETA = "beta";
    private static final String MAIL = "email.send";
    private static final String REPORT = "report.build";

    private Job goldMail;
    private Job silverMail;
    private Job stringCustomer;
    private Job orderLines;
    private Job amount;
    private Job scalar;

    @BeforeEach
    void fillTheStore() {
      goldMail =
          given(
              JobState.PENDING,
              specBuilder(ALPHA)
                  .kind(MAIL)
                  .payload(
                      "{\"customer\": {\"id\": 42, \"tier\": \"gold\"}, \"items\": [1, 2, 3],"
                          + " \"locale\": \"en\"}"));
      clock.advance(Duration.ofMinutes(1));
      silverMail =
          given(
              JobState.COMPLETED,
              specBuilder(ALPHA)
                  .kind(MAIL)
                  .payload(
                      "{\"locale\":\"de\",\"items\":[3,4],\"customer\":{\"tier\":\"silver\",\"id\":42}}"));
      clock.advance(Duration.ofMinutes(1));
      stringCustomer =
          given(
              JobState.PENDING,
              specBuilder(BETA)
                  .kind(REPORT)
                  .payload(
                      "{\"customer\": {\"id\": \"42\"}, \"items\": [[1, 2], [5]], \"flag\": true,"
                          + " \"none\": null}"));
      clock.advance(Duration.ofMinutes(1));
      orderLines =
          given(
              JobState.FAILED,
              specBuilder(BETA)
                  .kind(MAIL)
                  .payload("[{\"sku\": \"a-1\", \"qty\": 2}, {\"sku\": \"b-2\"}]"));
      clock.advance(Duration.ofMinutes(1));
      amount =
          given(
              JobState.PENDING,
              specBuilder(ALPHA)
                  .kind(REPORT)
                  .payload("{\"amount\": 1.50, \"note\": \"caf\\u00e9 \\\"quoted\\\"\"}"));
      clock.advance(Duration.ofMinutes(1));
      scalar = given(JobState.PENDING, specBuilder(ALPHA).kind(MAIL).payload("\"just text\""));
      clock.advance(Duration.ofMinutes(1));
    }

    @Test
    void list_findsJobs_whosePayloadContainsTheObject_recursively() {
      assertFound(payload("{\"customer\": {\"id\": 42}}"), goldMail, silverMail);
      assertFound(payload("{\"customer\": {\"tier\": \"gold\", \"id\": 42}}"), goldMail);
      assertFound(payload("{\"customer\": {}}"), goldMail, silverMail, stringCustomer);
      assertFound(payload("{\"flag\": true, \"none\": null}"), stringCustomer);
    }

    @Test
    void list_findsJobs_whosePayloadArraysContainTheElements_inAnyOrder() {
      assertFound(payload("{\"items\": [3]}"), goldMail, silverMail);
      assertFound(payload("{\"items\": [3, 1]}"), goldMail);
      assertFound(payload("{\"items\": [[2]]}"), stringCustomer);
      assertFound(payload("[{\"sku\": \"b-2\"}]"), orderLines);
      assertFound(payload("[{\"qty\": 2}, {\"sku\": \"b-2\"}]"), orderLines);
      assertFound(payload("[]"), orderLines);
    }

    @Test
    void list_comparesPayloadScalars_byTypeAndValue() {
      assertFound(payload("{\"customer\": {\"id\": \"42\"}}"), stringCustomer);
      assertFound(payload("{\"amount\": 1.5}"), amount);
      assertFound(payload("{\"amount\": 15e-1}"), amount);
      assertFound(payload("{\"note\": \"caf\u00e9 \\\"quoted\\\"\"}"), amount);
    }

    @Test
    void list_findsNothing_whenNoPayloadContainsTheFilter() {
      assertFound(payload("{\"customer\": {\"id\": 43}}"));
      assertFound(payload("{\"locale\": \"fr\"}"));
      assertFound(payload("{\"missing\": null}"));
      assertFound(
          payload("{\"items\": 3}"), "an array does not contain a bare scalar below the top");
      assertFound(payload("{\"items\": [[1, 5]]}"), "one element must hold both");
      assertFound(payload("{\"customer\": [42]}"));
      assertFound(payload("[\"just text\"]"), "a scalar payload is no array");
      assertFound(payload("{\"sku\": \"a-1\"}"), "an array payload is no object");
    }

    @Test
    void list_combinesThePayloadFilter_withTheOtherFilters() {
      var customer = "{\"customer\": {\"id\": 42}}";
      assertFound(query().payloadContains(customer).state(JobState.PENDING).build(), goldMail);
      assertFound(query().payloadContains(customer).queue(ALPHA).build(), goldMail, silverMail);
      assertFound(query().payloadContains("{\"items\": [3]}").kind(REPORT).build());
      assertFound(
          query().payloadContains("{}").queue(BETA).build(), "objects only", stringCustomer);
    }

    @Test
    void count_honoursThePayloadFilter() {
      assertThat(storage.count(payload("{\"customer\": {}}"), 1_000)).isEqualTo(3);
      assertThat(storage.count(payload("{\"customer\": {}}"), 2)).isEqualTo(2);
      assertThat(storage.count(query().payloadContains("{}").state(JobState.PENDING).build(), 100))
          .isEqualTo(3);
    }

    @Test
    void list_findsAJob_byTheShortIdAListShows() {
      String text = orderLines.id().toString();
      String shortId = "\u2026" + text.substring(text.length() - 12);

      assertFound(query().idSuffix(shortId).build(), orderLines);
      assertFound(
          query().idSuffix(text.substring(text.length() - 12).toUpperCase()).build(), orderLines);
      assertFound(query().idSuffix(text).build(), orderLines);
      assertFound(query().idSuffix(text.substring(text.length() - 17)).build(), orderLines);
    }

    @Test
    void list_findsEveryJob_whoseIdEndsWithTheDigits_withTheOtherFilters() {
      var first = insertWithId(0xabcd, ALPHA);
      var second = insertWithId(0x1abcd, BETA);
      var third = insertWithId(0x2abcd, ALPHA);
      insertWithId(0xabce, ALPHA);

      assertFound(query().idSuffix("abcd").build(), first, second, third);
      assertFound(query().idSuffix("1-ABCD").build(), second);
      assertFound(query().idSuffix("0000abcd").queue(ALPHA).build(), first);
      assertFound(query().idSuffix("abcd").queue(ALPHA).build(), first, third);
      assertFound(query().idSuffix("abcd").state(JobState.RUNNING).build());
    }

    /** A pending job whose id ends with {@code low}, newer than every job of the fixture. */
    private Job insertWithId(long low, String queue) {
      var id =
          JobId.of(new UUID(0x0190_8000_0000_7000L + (low << 16), 0x8000_0000_0000_0000L | low));
      var job = Job.submit(id, spec(queue), now());
      assertThat(storage.insert(List.of(job))).containsExactly(job);
      insertedIds.add(id);
      return job;
    }

    @Test
    void list_findsNothing_forAnIdSuffixNoJobHas() {
      String other = "fedcba98";
      assertThat(knownJobs()).noneMatch(job -> job.id().toString().endsWith(other));

      assertFound(query().idSuffix(other).build());
      assertThat(storage.count(query().idSuffix(other).build(), 100)).isZero();
    }

    @Test
    void list_pagesBack_throughTheSamePages_itPagedForward() {
      for (int i = 0; i < 11; i++) {
        clock.advance(Duration.ofSeconds(1));
        insert(spec(i % 2 == 0 ? ALPHA : BETA));
      }
      assertThat(knownJobs()).hasSize(17);

      assertPagesBackAsForward(query().limit(4).build());
      assertPagesBackAsForward(query().queue(ALPHA).limit(3).build());
      assertPagesBackAsForward(query().payloadContains("{}").limit(2).build());
      assertPagesBackAsForward(query().limit(17).build());
    }

    @Test
    void list_beforeACursor_returnsTheNewerJobs_newestFirst() {
      var newestFirst = sortedNewestFirst(job -> true);
      var middle = newestFirst.get(3);

      var page = storage.list(query().beforeId(middle.id()).limit(2).build());

      assertThat(page.jobs()).containsExactlyElementsOf(newestFirst.subList(1, 3));
      assertThat(page.previousBeforeId()).contains(newestFirst.get(1).id());
      assertThat(page.nextAfterId()).contains(newestFirst.get(2).id());
      var top = storage.list(query().beforeId(middle.id()).limit(3).build());
      assertThat(top.jobs()).containsExactlyElementsOf(newestFirst.subList(0, 3));
      assertThat(top.previousBeforeId()).as("nothing newer than the newest").isEmpty();
      assertThat(storage.count(query().beforeId(middle.id()).build(), 100)).isEqualTo(3);
    }

    private void assertPagesBackAsForward(JobQuery first) {
      var forward = new ArrayList<JobPage>();
      var page = storage.list(first);
      assertThat(page.previousBeforeId()).as("the first page has none before it").isEmpty();
      forward.add(page);
      while (page.nextAfterId().isPresent()) {
        page = storage.list(first.after(page.nextAfterId().get()));
        forward.add(page);
        assertThat(forward.size()).as("pages walked").isLessThanOrEqualTo(knownJobs().size());
      }
      for (int i = forward.size() - 1; i > 0; i--) {
        var before = forward.get(i).previousBeforeId();
        assertThat(before).as("the cursor back from page %d of %s", i + 1, first).isPresent();
        var back = storage.list(first.before(before.get()));
        assertThat(ids(back.jobs()))
            .as("page %d of %s read backwards", i, first)
            .containsExactlyElementsOf(ids(forward.get(i - 1).jobs()));
        assertThat(back.nextAfterId())
            .as("the cursor forward from page %d read backwards", i)
            .contains(forward.get(i - 1).jobs().getLast().id());
        assertThat(back.previousBeforeId())
            .as("a cursor back from page %d", i)
            .isEqualTo(i == 1 ? Optional.empty() : forward.get(i - 1).previousBeforeId());
      }
    }

    private JobQuery payload(String json) {
      return query().payloadContains(json).build();
    }

    private JobQuery.Builder query() {
      return JobQuery.builder();
    }

    private void assertFound(JobQuery query, Job... expected) {
      assertFound(query, "", expected);
    }

    private void assertFound(JobQuery query, String why, Job... expected) {
      var wanted = java.util.Arrays.stream(expected).sorted(NEWEST_FIRST).toList();
      assertThat(ids(storage.list(query).jobs()))
          .as("jobs found by %s %s", query, why)
          .containsExactlyElementsOf(ids(wanted));
      assertThat(storage.count(query, 1_000))
          .as("jobs counted by %s", query)
          .isEqualTo(expected.length);
    }
  }

  @Nested
  class ErrorGroups {
    private static final String IO = "java.io.IOException";
    private static final String STATE = "java.lang.IllegalStateException";

    private Job failedWith(String queue, String type, String message) {
      var claimed = claimNew(specBuilder(queue).priority(Priority.URGENT).build());
      clock.advance(Duration.ofSeconds(1));
      var error = new AttemptError(claimed.attempt(), now(), type, message, type + ": " + message);
      return reportAccepted(new Outcome.Failed(claimed.id(), fence(claimed), now(), error));
    }

    @Test
    void errorGroups_countTheJobsByTheirLastErrorsType_largestFirst_withTheNewestOfEach() {
      failedWith(QUEUE, IO, "reset 1");
      failedWith(QUEUE, STATE, "bad state 1");
      failedWith(QUEUE, IO, "reset 2");
      failedWith("other", STATE, "bad state 2");
      var newestIo = failedWith(QUEUE, IO, "reset 3");
      given(JobState.COMPLETED, specBuilder(QUEUE));
      given(JobState.PENDING, specBuilder(QUEUE));

      var groups = storage.errorGroups(JobQuery.all(), 10, 1_000);

      assertThat(groups)
          .extracting(ErrorGroup::type, ErrorGroup::count)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple(IO, 3L),
              org.assertj.core.groups.Tuple.tuple(STATE, 2L));
      assertThat(groups.getFirst().latest()).isEqualTo(newestIo.id());
      assertThat(groups.getFirst().message()).isEqualTo("reset 3");
      assertThat(storage.errorGroups(JobQuery.builder().queue("other").build(), 10, 1_000))
          .singleElement()
          .satisfies(g -> assertThat(g.message()).isEqualTo("bad state 2"));
    }

    @Test
    void errorGroups_takeNoMoreThanTheLimit_andLookAtNoMoreThanTheScan() {
      failedWith(QUEUE, STATE, "old");
      failedWith(QUEUE, IO, "reset 1");
      failedWith(QUEUE, IO, "reset 2");

      assertThat(storage.errorGroups(JobQuery.all(), 1, 1_000))
          .extracting(ErrorGroup::type)
          .containsExactly(IO);
      assertThat(storage.errorGroups(JobQuery.all(), 10, 2))
          .as("the two newest only")
          .extracting(ErrorGroup::type, ErrorGroup::count)
          .containsExactly(org.assertj.core.groups.Tuple.tuple(IO, 2L));
      assertThatThrownBy(() -> storage.errorGroups(JobQuery.all(), 0, 10))
          .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void list_andCount_filterByTheLastErrorsType() {
      var first = failedWith(QUEUE, STATE, "bad state 1");
      failedWith(QUEUE, IO, "reset");
      var second = failedWith(QUEUE, STATE, "bad state 2");
      given(JobState.COMPLETED, specBuilder(QUEUE));

      var query = JobQuery.builder().errorType(STATE).build();

      assertThat(storage.list(query).jobs())
          .extracting(Job::id)
          .containsExactly(second.id(), first.id());
      assertThat(storage.count(query, 100)).isEqualTo(2);
      assertThat(storage.count(JobQuery.builder().errorType("java.lang.Error").build(), 100))
          .isZero();
    }
  }

  @Nested
  class Stats {
    private static final String ALPHA = "alpha";
    private static final String BETA = "beta";
    private static final String GAMMA = "gamma";

    @Test
    void stats_listNoQueue_forAnEmptyStore() {
      assertThat(storage.stats(now())).isEmpty();
    }

    @Test
    void stats_countTheJobsOfEachQueue_inEveryState() {
      given(JobState.RUNNING, specBuilder(ALPHA));
      given(JobState.COMPLETED, specBuilder(ALPHA));
      given(JobState.FAILED, specBuilder(ALPHA));
      given(JobState.FAILED, specBuilder(ALPHA));
      given(JobState.CANCELLED, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(now().plus(Duration.ofHours(1))));
      given(JobState.PENDING, specBuilder(BETA));
      given(JobState.COMPLETED, specBuilder(GAMMA));

      var stats = storage.stats(now());

      assertThat(stats).extracting(QueueStats::queue).containsExactlyInAnyOrder(ALPHA, BETA, GAMMA);
      assertThat(stats(stats, ALPHA).counts()).isEqualTo(counts(3, 1, 1, 2, 1));
      assertThat(stats(stats, BETA).counts()).isEqualTo(counts(1, 0, 0, 0, 0));
      assertThat(stats(stats, GAMMA).counts()).isEqualTo(counts(0, 0, 1, 0, 0));
      assertThat(stats(stats, GAMMA).due()).isZero();
      assertThat(stats(stats, GAMMA).oldestDueAt()).isEmpty();
    }

    @Test
    void stats_countOnlyDuePendingJobsAsRunnable_andGiveTheEarliestRunAtAmongThem() {
      var at = now();
      var longAgo = at.minus(Duration.ofHours(3));
      given(JobState.RUNNING, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.COMPLETED, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.FAILED, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.CANCELLED, specBuilder(ALPHA).runAt(longAgo));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at.minus(Duration.ofMinutes(10))));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at.minus(Duration.ofMinutes(30))));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(at.plusMillis(1)));
      given(JobState.PENDING, specBuilder(BETA).runAt(at.minus(Duration.ofHours(2))));

      var stats = storage.stats(at);

      assertThat(stats(stats, ALPHA).due()).isEqualTo(3);
      assertThat(stats(stats, ALPHA).oldestDueAt()).contains(at.minus(Duration.ofMinutes(30)));
      assertThat(stats(stats, ALPHA).count(JobState.PENDING)).isEqualTo(4);
      assertThat(stats(stats, BETA).due()).isEqualTo(1);
      assertThat(stats(stats, BETA).oldestDueAt()).contains(at.minus(Duration.ofHours(2)));
    }

    @Test
    void stats_giveNoOldestRunAt_whenNoPendingJobIsDue() {
      given(JobState.RUNNING, specBuilder(ALPHA).runAt(now().minus(Duration.ofHours(1))));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(now().plusSeconds(1)));

      var alpha = stats(now(), ALPHA);

      assertThat(alpha.due()).isZero();
      assertThat(alpha.oldestDueAt()).isEmpty();
      assertThat(alpha.counts()).isEqualTo(counts(1, 1, 0, 0, 0));
    }

    @Test
    void stats_decideWhatIsRunnable_byTheGivenTime() {
      var runAt = now().plus(Duration.ofHours(1));
      given(JobState.PENDING, specBuilder(ALPHA).runAt(runAt));

      assertThat(stats(now(), ALPHA).due()).isZero();
      assertThat(stats(runAt.minusMillis(1), ALPHA).due()).isZero();
      assertThat(stats(runAt, ALPHA).due()).isEqualTo(1);
      assertThat(stats(runAt, ALPHA).oldestDueAt()).contains(runAt);
      assertThat(stats(runAt.plus(Duration.ofDays(1)), ALPHA).oldestDueAt()).contains(runAt);
    }

    @Test
    void stats_dropAQueue_onceItsLastJobIsPurged() {
      given(JobState.COMPLETED, specBuilder(ALPHA));
      given(JobState.PENDING, specBuilder(BETA));
      clock.advance(Duration.ofSeconds(1));

      assertThat(storage.purge(new PurgeRequest(EnumSet.of(JobState.COMPLETED), now(), 10)))
          .isEqualTo(1);

      assertThat(storage.stats(now())).extracting(QueueStats::queue).containsExactly(BETA);
    }

    private Map<JobState, Long> counts(
        long pending, long running, long completed, long failed, long cancelled) {
      return Map.of(
          JobState.PENDING, pending,
          JobState.RUNNING, running,
          JobState.COMPLETED, completed,
          JobState.FAILED, failed,
          JobState.CANCELLED, cancelled);
    }
  }

  @Nested
  class Delete {

    @ParameterizedTest(name = "{0}")
    @EnumSource(
        value = JobState.class,
        names = {"PENDING", "COMPLETED", "FAILED", "CANCELLED"})
    void delete_removesAJobThatIsNotRunning_andReturnsItAsItWas(JobState state) {
      var job = given(state, specBuilder(QUEUE));
      var other = insert(spec(QUEUE));

      assertThat(storage.delete(job.id())).contains(job);

      assertThat(storage.find(job.id())).isEmpty();
      assertThat(ids(storage.list(JobQuery.all()).jobs())).containsExactly(other.id());
      assertThat(stats(now(), QUEUE).count(state)).isEqualTo(state == JobState.PENDING ? 1 : 0);
    }

    @Test
    void delete_ofAPendingJob_keepsItFromBeingClaimed() {
      var deleted = insert(spec(QUEUE));
      var kept = insert(spec(QUEUE));
      assertThat(storage.delete(deleted.id())).isPresent();

      assertThat(ids(claim(QUEUE, 10))).containsExactly(kept.id());
    }

    @Test
    void delete_ofAScheduledJob_keepsItFromBeingClaimedWhenDue() {
      var later = insert(spec(QUEUE, Priority.NORMAL, now().plus(Duration.ofMinutes(5))));
      assertThat(storage.delete(later.id())).isPresent();
      clock.advance(Duration.ofMinutes(10));

      assertThat(claim(QUEUE, 10)).isEmpty();
    }

    @Test
    void delete_refusesARunningJob_andLeavesItRunning() {
      var running = claimNew(spec(QUEUE));

      assertThatThrownBy(() -> storage.delete(running.id()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining(running.id().toString())
          .hasMessageContaining("running");

      assertThat(stored(running.id())).hasState(JobState.RUNNING).hasSameFieldsAs(running);
      assertThat(report(completedNow(running))).isEmpty();
    }

    @Test
    void delete_ofAnUnknownJob_returnsEmpty() {
      assertThat(storage.delete(nextId())).isEmpty();
    }

    @Test
    void delete_twice_returnsEmptyTheSecondTime() {
      var job = insert(spec(QUEUE));
      assertThat(storage.delete(job.id())).isPresent();

      assertThat(storage.delete(job.id())).isEmpty();
    }

    @Test
    void delete_freesTheUniqueKey() {
      var holder = given(JobState.FAILED, specBuilder(QUEUE).uniqueKey("export-9"));
      assertThat(storage.delete(holder.id())).isPresent();
      var successor = submit(specBuilder(QUEUE).uniqueKey("export-9").build());

      assertThat(storage.insert(List.of(successor))).containsExactly(successor);
    }
  }

  /**
   * {@link JobOperations#running}: what each node runs now, read from the running jobs' leases,
   * bounded per owner.
   */
  @Nested
  class Running {
    private static final String NODE_A = "node-a";
    private static final String NODE_B = "node-b";

    private List<Job> running(int limit, String... owners) {
      return storage.running(new RunningQuery(Set.of(owners), limit));
    }

    /** A new job claimed by {@code owner} now, then a millisecond passes. */
    private Job runningOn(String owner, String queue) {
      var claimed = claimOnly(insert(spec(queue)), owner);
      clock.advance(Duration.ofMillis(1));
      return claimed;
    }

    @Test
    void running_listsTheJobsEachOwnerHolds_byOwner_longestRunningFirst() {
      var b1 = runningOn(NODE_B, QUEUE);
      var a1 = runningOn(NODE_A, OTHER_QUEUE);
      var a2 = runningOn(NODE_A, QUEUE);
      runningOn("node-c", QUEUE);
      insert(spec(QUEUE));

      List<Job> running = running(10, NODE_B, NODE_A, "node-unknown");

      assertThat(running).containsExactly(a1, a2, b1);
      assertThat(running.getFirst())
          .isLeasedBy(NODE_A)
          .hasLeaseStartedAt(a1.lease().orElseThrow().startedAt())
          .hasSameFieldsAs(stored(a1.id()));
    }

    @Test
    void running_ordersEachOwnersJobs_byWhenTheirLeaseStarted_thenById() {
      var later = insert(spec(QUEUE));
      var earlier = insert(spec(OTHER_QUEUE));
      // The job with the higher id is taken first, so it has run longest.
      var first = claimOnly(earlier, NODE_A);
      clock.advance(Duration.ofSeconds(3));
      var second = claimOnly(later, NODE_A);
      var sameTime = claimOnly(insert(spec(QUEUE)), NODE_A);

      assertThat(running(10, NODE_A)).containsExactly(first, second, sameTime);
    }

    @Test
    void running_returnsAtMostTheLimit_ofEachOwner_theLongestRunning() {
      var a1 = runningOn(NODE_A, QUEUE);
      var a2 = runningOn(NODE_A, QUEUE);
      runningOn(NODE_A, QUEUE);
      var b1 = runningOn(NODE_B, QUEUE);

      assertThat(running(2, NODE_A, NODE_B)).containsExactly(a1, a2, b1);
      assertThat(running(1, NODE_A, NODE_B)).containsExactly(a1, b1);
    }

    @Test
    void running_keepsTheLeaseStart_whenTheLeaseIsExtended() {
      var claimed = runningOn(NODE_A, QUEUE);
      clock.advance(Duration.ofSeconds(20));
      storage.extendLeases(List.of(extension(claimed, LEASE)));

      assertThat(running(10, NODE_A))
          .singleElement()
          .satisfies(
              job ->
                  assertThat(job)
                      .hasLeaseStartedAt(claimed.lease().orElseThrow().startedAt())
                      .hasLeaseExpiringAt(now().plus(LEASE)));
    }

    @Test
    void running_leavesOutJobsThatFinished_wereReleased_orRunUnderAnotherOwner() {
      var completed = runningOn(NODE_A, QUEUE);
      var released = runningOn(NODE_A, QUEUE);
      var stays = runningOn(NODE_A, QUEUE);
      reportAccepted(completedNow(completed));
      reportAccepted(new dev.docket.domain.Outcome.Released(released.id(), fence(released), now()));
      var elsewhere = claimOnly(stored(released.id()), NODE_B);

      assertThat(running(10, NODE_A)).containsExactly(stays);
      assertThat(running(10, NODE_B)).containsExactly(elsewhere);
    }

    @Test
    void running_ofNoOwners_orOfOwnersThatRunNothing_isEmpty() {
      runningOn(NODE_A, QUEUE);

      assertThat(running(10)).isEmpty();
      assertThat(running(10, NODE_B)).isEmpty();
    }
  }

  /** Every job this test inserted that the store still holds, read back one by one. */
  private List<Job> knownJobs() {
    return insertedIds.stream().map(storage::find).flatMap(Optional::stream).toList();
  }

  private List<Job> sortedNewestFirst(Predicate<Job> matches) {
    return knownJobs().stream().filter(matches).sorted(NEWEST_FIRST).toList();
  }
}
