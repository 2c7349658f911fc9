package dev.slowpath.checks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Runs the same work on several threads at once and waits for all of them: for tests that run
 * original and patched code concurrently and compare what they compute.
 */
final class Workers {
  private Workers() {}

  /** {@code work} on {@code workers} tasks of {@code pool}, their results in order; shuts the pool down. */
  static <T> List<T> run(ExecutorService pool, int workers, Callable<T> work) throws Exception {
    try {
      List<Future<T>> started = new ArrayList<>();
      for (int i = 0; i < workers; i++) {
        started.add(pool.submit(work));
      }
      List<T> results = new ArrayList<>();
      for (Future<T> future : started) {
        results.add(future.get());
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
