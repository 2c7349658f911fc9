package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.sun.tools.javac.util.Context;
import com.sun.tools.javac.util.Log;
import java.io.IOException;
import java.lang.ref.SoftReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Collections;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The recording named by {@code -XepOpt:Slowpath:Profile=<file.jfr>}, read once and shared by
 * every check and compilation unit: per javac invocation (its {@link Context}) the lookup is
 * done once, and across invocations in one JVM (a Maven reactor compiling module after module)
 * the last recording read is kept while its path, size and modification time stay the same.
 *
 * <p>A recording that cannot be used is one warning per javac invocation, printed as a raw line
 * so that {@code -Werror} cannot turn it into a failed build, and the checks report as they do
 * without a profile.
 */
final class Profiles {
  static final String PROFILE_FLAG = "Slowpath:Profile";

  private record FileState(Path path, long size, long modified) {}

  private record Loaded(FileState file, Profile profile, String problem) {}

  /** How often this JVM has read each recording: the cache's test. */
  private static final Map<Path, AtomicInteger> READS = new ConcurrentHashMap<>();

  /** The last recording read in this JVM; soft, so that a long-lived daemon can drop it. */
  private static volatile SoftReference<Loaded> lastRead = new SoftReference<>(null);

  private static final Map<Context, Optional<Profile>> BY_COMPILATION =
      Collections.synchronizedMap(new WeakHashMap<>());

  private static final Map<Context, Set<String>> WARNED = Collections.synchronizedMap(new WeakHashMap<>());

  /** Recordings (by path, size and time) whose reading has been started in the background. */
  private static final Set<FileState> PREFETCHED = ConcurrentHashMap.newKeySet();

  private Profiles() {}

  /**
   * Starts reading the recording on a daemon thread, so that it overlaps javac's parsing and
   * attribution instead of stalling the first finding: called when a check is made, at the start
   * of the compilation. {@link #forCompilation} then finds it read, or waits for the rest.
   */
  static void prefetch(String name) {
    FileState file = stat(name);
    Loaded last = lastRead.get();
    if (file == null || (last != null && file.equals(last.file())) || !PREFETCHED.add(file)) {
      return; // a missing file is reported where a finding needs it
    }
    Thread reader = new Thread(() -> load(name), "slowpath-profile-reader");
    reader.setDaemon(true);
    reader.start();
  }

  /** The file's state, or null when it is not there or cannot be read. */
  private static FileState stat(String name) {
    try {
      Path path = Paths.get(name).toAbsolutePath().normalize();
      return Files.isRegularFile(path) ? stateOf(path) : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }

  private static FileState stateOf(Path path) throws IOException {
    return new FileState(path, Files.size(path), Files.getLastModifiedTime(path).toMillis());
  }

  /** The recording for this javac invocation, or empty (after one warning) when it cannot be used. */
  static Optional<Profile> forCompilation(String file, VisitorState state) {
    Context context = state.context;
    Optional<Profile> known = BY_COMPILATION.get(context);
    if (known != null) {
      return known;
    }
    Loaded loaded = load(file);
    if (loaded.problem() != null) {
      warnOnce(state, "profile " + file + ": " + loaded.problem() + "; the checks report as without a profile");
    } else if (loaded.profile().cpuSamples() == 0) {
      warnOnce(
          state,
          "profile " + file + " has no CPU samples (jdk.ExecutionSample): record with settings=profile;"
              + " the checks use only the events it has");
    }
    Optional<Profile> profile = Optional.ofNullable(loaded.profile());
    BY_COMPILATION.put(context, profile);
    return profile;
  }

  private static synchronized Loaded load(String name) {
    Path path;
    FileState file;
    try {
      Path given = Paths.get(name);
      path = given.toAbsolutePath().normalize();
      if (!Files.isRegularFile(path)) {
        return new Loaded(null, null, given.isAbsolute()
            ? "no such file"
            : "no such file (" + path + ": a relative path is read from the directory javac runs in)");
      }
      file = stateOf(path);
    } catch (IOException | RuntimeException e) {
      return new Loaded(null, null, "cannot read it (" + e + ")");
    }
    Loaded last = lastRead.get();
    if (last != null && last.file().equals(file)) {
      return last;
    }
    Loaded loaded;
    try {
      READS.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
      loaded = new Loaded(file, Profile.read(path), null);
    } catch (IOException | RuntimeException e) {
      loaded = new Loaded(file, null, "not a readable JFR recording (" + e.getMessage() + ")");
    } catch (LinkageError e) {
      // A runtime image without the jdk.jfr module (jlink'ed without it).
      loaded = new Loaded(file, null, "this JDK cannot read JFR recordings (" + e + ")");
    }
    lastRead = new SoftReference<>(loaded);
    return loaded;
  }

  static int reads(Path recording) {
    AtomicInteger reads = READS.get(recording.toAbsolutePath().normalize());
    return reads == null ? 0 : reads.get();
  }

  /** Prints a warning once per javac invocation, as a raw line: never an error, even with -Werror. */
  static void warnOnce(VisitorState state, String message) {
    Set<String> warned = WARNED.computeIfAbsent(state.context, c -> Collections.synchronizedSet(new HashSet<>()));
    if (warned.add(message)) {
      Log.instance(state.context).printRawLines(Log.WriterKind.WARNING, "warning: [Slowpath] " + message);
    }
  }
}
