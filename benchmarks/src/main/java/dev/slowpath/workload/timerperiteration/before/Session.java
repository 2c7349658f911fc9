package dev.slowpath.workload.timerperiteration.before;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A connection that closes itself after 30 s without a message: the timeout is re-armed per message. */
public class Session {
  private static final ScheduledThreadPoolExecutor IDLE_TIMEOUTS =
      new ScheduledThreadPoolExecutor(
          1,
          task -> {
            Thread thread = new Thread(task, "idle-timeouts");
            thread.setDaemon(true);
            return thread;
          });

  private ScheduledFuture<?> idle;
  private volatile boolean closed;
  private long received;

  public long onMessage(long payload) {
    if (idle != null) {
      idle.cancel(false);
    }
    idle = IDLE_TIMEOUTS.schedule(this::close, 30, TimeUnit.SECONDS);
    received += payload;
    return received;
  }

  public boolean closed() {
    return closed;
  }

  public static int queued() {
    return IDLE_TIMEOUTS.getQueue().size();
  }

  private void close() {
    closed = true;
  }
}
