package dev.slowpath.workload.stacktraceforcaller.before;

/** An audit log that records which method called it. */
public final class AuditLog {
  public String record(String event) {
    String caller = Thread.currentThread().getStackTrace()[2].getMethodName();
    return caller + ": " + event;
  }
}
