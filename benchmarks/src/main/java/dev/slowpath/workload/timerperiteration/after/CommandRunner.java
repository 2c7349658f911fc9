package dev.slowpath.workload.timerperiteration.after;

import java.util.Timer;
import java.util.TimerTask;
import java.util.concurrent.atomic.AtomicBoolean;

/** Runs a command with a timeout, the way ZooKeeper's and Kafka's Shell do: a Timer per run. */
public class CommandRunner {
  private final long timeoutMillis;
  private final AtomicBoolean timedOut = new AtomicBoolean();
  private static final Timer TIMEOUTS = new Timer("CommandRunner timeouts", true);

  public CommandRunner(long timeoutMillis) {
    this.timeoutMillis = timeoutMillis;
  }

  public boolean timedOut() {
    return timedOut.get();
  }

  public long run(Command command) {
    TimerTask timeoutTask = null;
    if (timeoutMillis > 0) {
      timeoutTask = new TimerTask() {
        @Override
        public void run() {
          timedOut.set(true);
          command.kill();
        }
      };
      TIMEOUTS.schedule(timeoutTask, timeoutMillis);
    }
    try {
      return command.execute();
    } finally {
      if (timeoutTask != null) {
        timeoutTask.cancel();
      }
    }
  }

  /** What the runner runs: its work, and how to stop it. */
  public interface Command {
    long execute();

    void kill();
  }
}
