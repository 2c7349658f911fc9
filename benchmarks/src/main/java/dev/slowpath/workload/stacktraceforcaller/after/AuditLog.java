package dev.slowpath.workload.stacktraceforcaller.after;

/** An audit log that records which method called it. */
public final class AuditLog {
  public String record(String event) {
    String caller = StackWalker.getInstance(StackWalker.Option.SHOW_REFLECT_FRAMES).walk(frames -> frames.skip(1).findFirst()).orElseThrow().getMethodName();
    return caller + ": " + event;
  }
}
