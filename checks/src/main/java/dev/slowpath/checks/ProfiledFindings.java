package dev.slowpath.checks;

import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.matchers.Description;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.tree.JCTree;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.Profile.Place;
import dev.slowpath.checks.Profile.Tally;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A check's findings, read against the recording of {@code -XepOpt:Slowpath:Profile}: each
 * finding gets what the recording measured in its method (CPU-sample share, and the events that
 * measure this check's own cost, at its line or in its method) as one clause of its message; a
 * check the seed puts behind a profile ({@link Tier#BEHIND_PROFILE}) reports only where its
 * method is hot ({@code -XepOpt:Slowpath:ProfileHotPercent}, default {@value
 * #DEFAULT_HOT_PERCENT}% of CPU samples, inclusive) or has those events. Without the flag, a
 * finding passes through untouched.
 */
final class ProfiledFindings implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String HOT_PERCENT_FLAG = "Slowpath:ProfileHotPercent";

  static final double DEFAULT_HOT_PERCENT = 1.0;

  /** The seed's two tiers: a fix that always pays, and one that pays only where a profile shows the cost. */
  enum Tier {
    ALWAYS,
    BEHIND_PROFILE
  }

  private final BugChecker checker;
  private final Tier tier;
  private final List<Cost> costs;
  private final List<String> vmOperations;
  private final boolean finalizers;
  private final String file;
  private final double hotPercent;
  private final String badHotPercent;

  private ProfiledFindings(
      BugChecker checker,
      String file,
      double hotPercent,
      String badHotPercent,
      Tier tier,
      List<Cost> costs,
      List<String> vmOperations,
      boolean finalizers) {
    this.checker = checker;
    this.file = file;
    this.hotPercent = hotPercent;
    this.badHotPercent = badHotPercent;
    this.tier = tier;
    this.costs = costs;
    this.vmOperations = vmOperations;
    this.finalizers = finalizers;
  }

  /** Findings of {@code checker}, whose own cost the recording measures with {@code costs}. */
  static ProfiledFindings of(BugChecker checker, ErrorProneFlags flags, Tier tier, Cost... costs) {
    String file = flags.get(Profiles.PROFILE_FLAG).filter(f -> !f.isBlank()).orElse(null);
    Optional<String> hot = flags.get(HOT_PERCENT_FLAG);
    double percent = DEFAULT_HOT_PERCENT;
    String bad = null;
    if (hot.isPresent()) {
      try {
        percent = Double.parseDouble(hot.get().replace("%", "").trim());
      } catch (NumberFormatException e) {
        bad = hot.get();
      }
    }
    if (file != null) {
      Profiles.prefetch(file);
    }
    return new ProfiledFindings(checker, file, percent, bad, tier, List.of(costs), List.of(), false);
  }

  /** Also quotes the whole recording's count of these VM operations (their events carry no stack). */
  ProfiledFindings withVmOperations(String... names) {
    return new ProfiledFindings(
        checker, file, hotPercent, badHotPercent, tier, costs, List.of(names), finalizers);
  }

  /** Also quotes how many finalizers of the finding's class ran ({@code jdk.FinalizerStatistics}). */
  ProfiledFindings withFinalizers() {
    return new ProfiledFindings(checker, file, hotPercent, badHotPercent, tier, costs, vmOperations, true);
  }

  /**
   * The finding as reported with the profile: unchanged without one, {@link Description#NO_MATCH}
   * for a check behind a profile where the recording shows no cost, else with the evidence.
   */
  Description report(Description finding, VisitorState state) {
    if (file == null || finding == Description.NO_MATCH) {
      return finding;
    }
    try {
      return withProfile(finding, state);
    } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
      return finding; // a check never fails a build: without evidence, the finding stands as it is
    }
  }

  private Description withProfile(Description finding, VisitorState state) throws ReflectiveOperationException {
    if (badHotPercent != null) {
      Profiles.warnOnce(state, "-XepOpt:" + HOT_PERCENT_FLAG + "=" + badHotPercent + " is not a number; using "
          + DEFAULT_HOT_PERCENT);
    }
    Optional<Profile> loaded = Profiles.forCompilation(file, state);
    if (loaded.isEmpty() || !isOfThisApplication(loaded.get(), state)) {
      return finding;
    }
    Profile profile = loaded.get();
    Optional<JvmMethod> code = JvmMethod.of(state.getPath(), state);
    if (code.isEmpty()) {
      return finding;
    }
    Place place = code.get().in(profile);
    List<String> evidence = new ArrayList<>();
    double cpuPercent = 0;
    if (profile.cpuSamples() > 0) {
      long inclusive = place == null ? 0 : place.cpuInclusive;
      cpuPercent = 100.0 * inclusive / profile.cpuSamples();
      String self = place == null || place.cpuSelf == 0
          ? ""
          : " (self " + percent(100.0 * place.cpuSelf / profile.cpuSamples()) + ")";
      evidence.add(inclusive == 0 ? "no CPU samples in this method" : "method in " + percent(cpuPercent) + " of CPU samples" + self);
    }
    boolean events = false;
    int[] lines = lines(state);
    for (Cost cost : costs) {
      Tally inMethod = place == null ? Profile.EMPTY : place.cost(cost);
      if (inMethod.events > 0) {
        Tally here = lines == null ? Profile.EMPTY : place.cost(cost, lines[0], lines[1]);
        String clause = describe(cost, here.events > 0 ? here : inMethod, here.events > 0 ? "here" : "in this method");
        if (cost.isAllocation()) {
          // Allocation samples are everywhere: what counts is this place's share of the bytes.
          double share = profile.allocationBytes() == 0 ? 0 : 100.0 * inMethod.bytes / profile.allocationBytes();
          clause += " (" + percent(share) + " of sampled allocation)";
          events |= share >= hotPercent;
        } else {
          events = true;
        }
        evidence.add(clause);
      }
    }
    if (finalizers) {
      long run = profile.finalizersRun(code.get().type());
      if (run > 0) {
        events = true;
        evidence.add(String.format(Locale.ROOT, "%,d finalizers of this class ran", run));
      }
    }
    for (String operation : vmOperations) {
      Tally all = profile.vmOperation(operation);
      if (all.events > 0) {
        events = true; // not localised: the VM operation event has no stack, only the asking thread
        evidence.add(String.format(Locale.ROOT, "the recording has %,d %s safepoint operations (%s), asked for by %s",
            all.events, operation, duration(all.nanos), callers(profile.vmOperationCallers(operation))));
      }
    }
    if (tier == Tier.BEHIND_PROFILE && !events && cpuPercent < hotPercent) {
      return Description.NO_MATCH; // the seed: this fix pays only where the profile shows the cost
    }
    if (evidence.isEmpty()) {
      return finding;
    }
    return withMessage(finding, finding.getRawMessage() + " — profile: " + String.join("; ", evidence));
  }

  /**
   * A recording of another application says nothing about this code: judged by the first two
   * segments of the package ({@code com.acme}), one warning per package root and invocation.
   */
  private static boolean isOfThisApplication(Profile profile, VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    ExpressionTree packageName = unit.getPackageName();
    if (packageName == null) {
      return true;
    }
    String[] segments = packageName.toString().split("\\.");
    String root = segments.length >= 2 ? segments[0] + "." + segments[1] : segments[0];
    if (profile.hasTypesUnder(root + ".")) {
      return true;
    }
    Profiles.warnOnce(
        state,
        "the profile has no frame in any class of " + root + ".* — recorded from another application?"
            + " Findings there are reported as without a profile");
    return false;
  }

  /** The lines of the matched tree, or null where that is the whole method. */
  private static int[] lines(VisitorState state) {
    Tree leaf = state.getPath().getLeaf();
    if (leaf instanceof MethodTree || !(leaf instanceof JCTree)) {
      return null;
    }
    int start = ((JCTree) leaf).getStartPosition();
    int end = state.getEndPosition(leaf);
    if (start < 0 || end < start) {
      return null;
    }
    var lineMap = state.getPath().getCompilationUnit().getLineMap();
    return new int[] {(int) lineMap.getLineNumber(start), (int) lineMap.getLineNumber(end)};
  }

  private static String describe(Cost cost, Tally tally, String where) {
    switch (cost) {
      case MONITOR_ENTER:
        return count(tally, "contended monitor enter") + " " + where + ", " + duration(tally.nanos) + " blocked";
      case LOCK_WAIT:
        return count(tally, "lock wait") + " " + where + ", " + duration(tally.nanos) + " parked";
      case PINNED:
        return count(tally, "virtual-thread pin") + " " + where + ", " + duration(tally.nanos) + " pinned";
      case THREAD_START:
        return count(tally, "thread start") + " " + where;
      case SLEEP:
        return count(tally, "sleep") + " " + where + ", " + duration(tally.nanos) + " asleep";
      case SYSTEM_GC:
        return count(tally, "System.gc() collection") + " " + where + ", " + duration(tally.nanos);
      case BUFFER_ALLOCATION:
        return count(tally, "allocation sample") + " of buffers " + where + ", ~" + bytes(tally.bytes);
      case BOX_ALLOCATION:
        return count(tally, "allocation sample") + " of boxes " + where + ", ~" + bytes(tally.bytes);
      case STACK_TRACE_ALLOCATION:
        return count(tally, "allocation sample") + " of stack traces " + where + ", ~" + bytes(tally.bytes);
    }
    return count(tally, "event") + " " + where;
  }

  /** The two threads that asked most, with their counts: "main (300)". */
  private static String callers(Map<String, Long> callers) {
    List<String> top =
        callers.entrySet().stream()
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
            .limit(2)
            .map(e -> String.format(Locale.ROOT, "%s (%,d)", e.getKey(), e.getValue()))
            .collect(Collectors.toList());
    if (top.isEmpty()) {
      return "unnamed threads";
    }
    return String.join(", ", top) + (callers.size() > 2 ? " and " + (callers.size() - 2) + " more threads" : "");
  }

  private static String count(Tally tally, String what) {
    return String.format(Locale.ROOT, "%,d %s%s", tally.events, what, tally.events == 1 ? "" : "s");
  }

  static String percent(double percent) {
    return percent > 0 && percent < 0.1 ? "<0.1%" : String.format(Locale.ROOT, "%.1f%%", percent);
  }

  static String duration(long nanos) {
    if (nanos >= 1_000_000_000L) {
      return String.format(Locale.ROOT, "%.1f s", nanos / 1e9);
    }
    return nanos < 1_000_000L ? "<1 ms" : String.format(Locale.ROOT, "%d ms", nanos / 1_000_000L);
  }

  static String bytes(long bytes) {
    if (bytes >= 1L << 30) {
      return String.format(Locale.ROOT, "%.1f GB", bytes / (double) (1L << 30));
    }
    if (bytes >= 1L << 20) {
      return String.format(Locale.ROOT, "%.1f MB", bytes / (double) (1L << 20));
    }
    return String.format(Locale.ROOT, "%d KB", Math.max(1, bytes >> 10));
  }

  // Error Prone 2.42 holds a finding's position as a javac DiagnosticPosition and 2.52 as its own
  // ErrorPronePosition: the finding is rebuilt through the checker's buildDescription overload
  // that takes whichever type this Error Prone has.
  private static final class Rebuild {
    static final Field POSITION;
    static final Method BUILD;

    static {
      try {
        POSITION = Description.class.getField("position");
        BUILD = BugChecker.class.getMethod("buildDescription", POSITION.getType());
      } catch (NoSuchFieldException | NoSuchMethodException e) {
        throw new LinkageError("Error Prone's Description changed shape", e);
      }
    }
  }

  private Description withMessage(Description finding, String message) throws ReflectiveOperationException {
    Description.Builder builder = (Description.Builder) Rebuild.BUILD.invoke(checker, Rebuild.POSITION.get(finding));
    return builder.setMessage(message).addAllFixes(finding.fixes).build();
  }
}
