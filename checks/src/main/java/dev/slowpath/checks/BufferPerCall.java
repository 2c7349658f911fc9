package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.NewArrayTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import javax.inject.Inject;

/**
 * Flags a buffer made on every call or loop pass and dropped at its end: {@code
 * ByteBuffer.allocateDirect(n)} at any size, and {@code new byte[n]}, {@code new char[n]}, {@code
 * ByteBuffer.allocate(n)} from {@code MinBytes} up. In a loop, the buffer moves before the loop
 * when each pass provably reads only what it wrote; per call, where it should live is the
 * author's choice and the report says what the choices cost.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A buffer allocated on every call or loop pass: each one is zeroed, a direct one is also"
            + " malloc'd and freed only after a GC; reuse one",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "BufferPerCall.md")
public final class BufferPerCall extends BugChecker implements NewArrayTreeMatcher, MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  /** The default of {@code -XepOpt:BufferPerCall:MinBytes}: from the sweep in BufferPerCallBenchmark. */
  static final int DEFAULT_MIN_BYTES = 4096;

  static final String MIN_BYTES_FLAG = "BufferPerCall:MinBytes";

  private record AllocationNames(Name allocate, Name allocateDirect) {}

  private static final Supplier<AllocationNames> ALLOCATION_NAMES =
      VisitorState.memoize(state -> new AllocationNames(state.getName("allocate"), state.getName("allocateDirect")));

  /** Classes whose job is handing out buffers. */
  private static final Pattern BUFFER_KEEPER = Pattern.compile(".*(Pool|Allocator|Recycler|Arena)(Impl)?");

  private static final String DIRECT_COST =
      "ByteBuffer.allocateDirect reserves the size against -XX:MaxDirectMemorySize"
          + " (java.nio.Bits.reserveMemory, which calls System.gc() and waits when the limit is near),"
          + " mallocs and zeroes native memory (Unsafe.allocateMemory, setMemory) and registers a"
          + " Cleaner; the memory comes back only after a GC has found the buffer unreachable";

  private static final String HEAP_COST =
      "every byte of a new buffer is zeroed, including those the code never writes, and the bytes"
          + " fill the young generation, so the next collection comes sooner";

  private static final String PER_CALL_ADVICE =
      "Where the method is called often, keep one buffer where it can be reused: a field of an"
          + " object that one thread uses at a time, a buffer the caller passes in, or a ThreadLocal"
          + " (one buffer per thread, and per virtual thread)";

  private final int minBytes;
  private final ProfiledFindings profiled;

  public BufferPerCall() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  BufferPerCall(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.BEHIND_PROFILE, Cost.BUFFER_ALLOCATION);
    this.minBytes = flags.getInteger(MIN_BYTES_FLAG).orElse(DEFAULT_MIN_BYTES);
  }

  @Override
  public Description matchNewArray(NewArrayTree tree, VisitorState state) {
    return profiled.report(findNewArray(tree, state), state);
  }

  private Description findNewArray(NewArrayTree tree, VisitorState state) {
    return BufferAllocation.ofArray(tree, minBytes, state.getPath())
        .map(buffer -> match(buffer, state))
        .orElse(Description.NO_MATCH);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    CharSequence name = MethodNames.simpleName(tree.getMethodSelect()); // by identity: runs for every call
    AllocationNames names = ALLOCATION_NAMES.get(state);
    boolean direct = name == names.allocateDirect();
    if (!direct && name != names.allocate()) {
      return Description.NO_MATCH;
    }
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(tree);
    if (method == null || !method.isStatic() || !method.owner.getQualifiedName().contentEquals("java.nio.ByteBuffer")) {
      return Description.NO_MATCH;
    }
    return BufferAllocation.ofByteBuffer(tree, direct, state.getPath())
        .filter(buffer -> direct || buffer.bytes() != null && buffer.bytes() >= minBytes)
        .map(buffer -> match(buffer, state))
        .orElse(Description.NO_MATCH);
  }

  private Description match(BufferAllocation buffer, VisitorState state) {
    TreePath path = state.getPath();
    TreePath scope = EnclosingCode.methodOrLambdaPath(path);
    if (scope == null || OneTimeCode.contains(path) || isBufferKeeper(path) || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    List<TreePath> uses = SymbolUses.within(scope, buffer.local());
    if (BufferEscape.anyIn(uses, scope, state)) {
      return Description.NO_MATCH;
    }
    List<TreePath> loops = Loops.enclosing(path);
    if (loops.isEmpty()) {
      // A heap buffer filled again and again in the call is made once per call already; a direct
      // one still pays its malloc, zeroing, Cleaner and Bits.reserveMemory on every call.
      // Unless a loop of this file calls the method once per item: then each item pays for a
      // buffer the size of the largest, however short the item is.
      Optional<Long> callingLoop = lineOfLoopThatCalls(scope, state);
      if (buffer.kind() != BufferAllocation.Kind.DIRECT_BYTE_BUFFER
          && uses.stream().anyMatch(use -> !Loops.enclosing(use).isEmpty())
          && callingLoop.isEmpty()) {
        return Description.NO_MATCH;
      }
      if (callingLoop.isPresent()) {
        return describe(
            buffer,
            "is allocated on every call, and the loop on line " + callingLoop.get() + " calls this method once per item",
            PER_CALL_ADVICE,
            null);
      }
      return describe(buffer, "is allocated on every call and dropped when the call returns", PER_CALL_ADVICE, null);
    }
    if (loops.stream().allMatch(loop -> Loops.runsAFewTimes(loop.getLeaf()))) {
      return Description.NO_MATCH; // a retry or a handful of passes
    }
    StringBuilder why = new StringBuilder();
    Optional<SuggestedFix> fix = BufferHoist.of(buffer, loops.get(loops.size() - 1), uses, state, why);
    String advice = "Allocate it once before the loop and reuse it";
    if (fix.isPresent()) {
      advice +=
          ". Fix: the declaration moves before the loop"
              + (buffer.kind().isByteBuffer() ? ", and each pass clear()s the buffer" : "");
    }
    return describe(
        buffer, "is allocated on every pass of the loop and dropped at the end of the pass", advice, fix.orElse(null), why);
  }

  private Description describe(BufferAllocation buffer, String when, String advice, SuggestedFix fix) {
    return describe(buffer, when, advice, fix, new StringBuilder());
  }

  private Description describe(BufferAllocation buffer, String when, String advice, SuggestedFix fix, StringBuilder why) {
    String kind = buffer.kind() == BufferAllocation.Kind.DIRECT_BYTE_BUFFER ? "direct buffer" : "buffer";
    String cost = buffer.kind() == BufferAllocation.Kind.DIRECT_BYTE_BUFFER ? DIRECT_COST : HEAP_COST;
    StringBuilder message =
        new StringBuilder("This ").append(buffer.describedSize()).append(' ').append(kind).append(' ').append(when)
            .append(": ").append(cost).append(". ").append(advice);
    if (fix == null && why.length() > 0) {
      message.append(". No fix is offered here: ").append(why);
    }
    Description.Builder description = buildDescription(buffer.allocation()).setMessage(message.toString());
    if (fix != null) {
      description.addFix(fix);
    }
    return description.build();
  }

  /**
   * The line of a loop of this file that calls the method at {@code scope} on every pass (not a
   * recursion, a loop that runs a handful of times, or a call made on the loop's last pass), if
   * there is one.
   */
  private static Optional<Long> lineOfLoopThatCalls(TreePath scope, VisitorState state) {
    if (!(scope.getLeaf() instanceof MethodTree)) {
      return Optional.empty();
    }
    Symbol method = ASTHelpers.getSymbol(scope.getLeaf());
    if (method == null) {
      return Optional.empty();
    }
    for (TreePath call : SymbolUses.in(state.getPath().getCompilationUnit(), method)) {
      if (SymbolUses.isWithin(call, scope.getLeaf())) {
        continue;
      }
      TreePath loop = Loops.innermost(call);
      // Not a call on the loop's last pass (`return read(stream);` once the item is found).
      if (loop != null && !Loops.runsAFewTimes(loop.getLeaf()) && !OneTimeCode.contains(call) && !RarePaths.contains(call)) {
        return Optional.of(state.getPath().getCompilationUnit().getLineMap()
            .getLineNumber(ASTHelpers.getStartPosition(loop.getLeaf())));
      }
    }
    return Optional.empty();
  }

  private static boolean isBufferKeeper(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree && BUFFER_KEEPER.matcher(((ClassTree) p.getLeaf()).getSimpleName()).matches()) {
        return true;
      }
    }
    return false;
  }
}
