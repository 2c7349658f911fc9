package dev.slowpath.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import jdk.jfr.Configuration;
import jdk.jfr.Recording;

/**
 * Records a JFR file in this JVM the way a user records their application ({@code
 * settings=profile}), with the thresholds of the lock, park and sleep events lowered to zero so
 * that a short test load is seen every time.
 */
final class Recordings {
  private Recordings() {}

  /** A recording of {@code load}, written to a new temporary file. */
  static Path record(Runnable load) {
    try {
      Path file = Files.createTempFile("slowpath-profile", ".jfr");
      try (Recording recording = new Recording(Configuration.getConfiguration("profile"))) {
        for (String event :
            new String[] {"jdk.JavaMonitorEnter", "jdk.ThreadPark", "jdk.ThreadSleep", "jdk.VirtualThreadPinned"}) {
          recording.enable(event).withThreshold(Duration.ZERO).withStackTrace();
        }
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.start();
        load.run();
        recording.stop();
        recording.dump(file);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (ParseException e) {
      throw new IllegalStateException(e);
    }
  }
}
