package dev.docket.usecase.port;

import dev.docket.domain.Job;
import java.util.List;

/**
 * Stores new jobs: the part of {@link JobStorage} that submitting needs, as {@link
 * dev.docket.usecase.JobClient} does.
 *
 * <p>Implementations are thread-safe. Arguments and results are never null. Failures of the
 * underlying technology surface as {@link StorageException}.
 */
public interface JobSubmissions {

  /**
   * Stores new jobs, all or none. Whether other readers can see part of a batch before the call
   * returns depends on the store; the PostgreSQL store shows all of it at commit.
   *
   * <p>A job whose unique key is already taken, by a stored job of any state or by an earlier job
   * of the same call, is not stored: the job holding the key is returned in its place.
   *
   * @param jobs new jobs, as made by {@link Job#submit}
   * @return for each job, in order, the job as stored, or the one that holds its unique key
   */
  List<Job> insert(List<Job> jobs);
}
