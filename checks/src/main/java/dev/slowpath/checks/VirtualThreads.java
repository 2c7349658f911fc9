package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import java.util.Optional;

/** What keeps a task off a virtual thread, whichever way it is started. */
final class VirtualThreads {
  private VirtualThreads() {}

  /**
   * Why {@code task} (its code, when this file has it) should not run on a virtual thread, or
   * empty. On Java 21–23 a virtual thread that blocks while holding a monitor pins its carrier, so
   * there the task's code must be in this file and free of that; a {@code ThreadLocal} is built
   * again for every virtual thread, on every release.
   */
  static Optional<String> unsafeFor(Optional<TaskCode> task, VisitorState state) {
    boolean pinsBefore24 = !JavaTarget.atLeast(state, 24);
    if (task.isEmpty()) {
      return pinsBefore24
          ? Optional.of(
              "the task's code is not in this file, and on Java 21–23 a virtual thread that blocks"
                  + " inside synchronized pins its carrier thread; check the task, then use"
                  + " Thread.startVirtualThread, or compile for 24 or later (JEP 491)")
          : Optional.empty();
    }
    if (task.get().usesThreadLocal(state)) {
      return Optional.of(
          "the task uses a ThreadLocal, which a virtual thread per task builds again for every task;"
              + " keep a pool of platform threads, shared by the class");
    }
    if (pinsBefore24 && task.get().blocksInSynchronized(state)) {
      return Optional.of(
          "the task blocks inside synchronized, which pins a virtual thread to its carrier on Java"
              + " 21–23; use a ReentrantLock there first (BlockingInSynchronized), or compile for 24"
              + " or later (JEP 491)");
    }
    return Optional.empty();
  }
}
