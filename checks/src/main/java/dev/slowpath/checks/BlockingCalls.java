package dev.slowpath.checks;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import javax.lang.model.type.TypeKind;

/**
 * Calls that can block the calling thread for an unbounded or long time — sleeps, joins, waits,
 * blocking queue and synchronizer operations, process waits, selector and stream reads. Shared by
 * the checks that must not move such a call into, or keep it inside, a critical section.
 */
final class BlockingCalls {
  /** The names below, for a cheap first filter before any symbol is resolved. */
  private static final Set<String> NAMES =
      Set.of(
          "sleep", "join", "wait", "get", "take", "put", "poll", "offer", "await", "acquire", "acquireUninterruptibly",
          "waitFor", "select", "read", "readLine", "park", "parkNanos", "parkUntil", "transfer",
          "awaitTermination", "invokeAll", "invokeAny", "accept", "lockInterruptibly", "takeFirst",
          "takeLast", "putFirst", "putLast", "awaitAdvance", "awaitAdvanceInterruptibly",
          "arriveAndAwaitAdvance", "awaitNanos", "awaitUninterruptibly", "awaitUntil", "exchange", "receive");

  private static final Matcher<ExpressionTree> BLOCKING =
      anyOf(
          staticMethod().onClass("java.lang.Thread").named("sleep"),
          instanceMethod().onDescendantOf("java.util.concurrent.TimeUnit").named("sleep"),
          instanceMethod().onDescendantOf("java.lang.Thread").named("join"),
          instanceMethod().onDescendantOf("java.util.concurrent.CompletableFuture").named("join"),
          instanceMethod().onDescendantOf("java.util.concurrent.Exchanger").named("exchange"),
          instanceMethod().onDescendantOf("java.net.DatagramSocket").named("receive"),
          instanceMethod().anyClass().named("wait"),
          instanceMethod().onDescendantOf("java.util.concurrent.Future").named("get"),
          instanceMethod().onDescendantOf("java.util.concurrent.BlockingQueue").namedAnyOf("take", "put"),
          instanceMethod().onDescendantOf("java.util.concurrent.BlockingDeque").namedAnyOf("takeFirst", "takeLast", "putFirst", "putLast"),
          instanceMethod().onDescendantOf("java.util.concurrent.TransferQueue").named("transfer"),
          instanceMethod().onDescendantOf("java.util.concurrent.CountDownLatch").named("await"),
          instanceMethod().onDescendantOf("java.util.concurrent.CyclicBarrier").named("await"),
          instanceMethod().onDescendantOf("java.util.concurrent.Phaser").namedAnyOf("awaitAdvance", "awaitAdvanceInterruptibly", "arriveAndAwaitAdvance"),
          instanceMethod().onDescendantOf("java.util.concurrent.Semaphore").namedAnyOf("acquire", "acquireUninterruptibly"),
          instanceMethod().onDescendantOf("java.util.concurrent.locks.Condition").namedAnyOf("await", "awaitNanos", "awaitUninterruptibly", "awaitUntil"),
          instanceMethod().onDescendantOf("java.util.concurrent.locks.Lock").named("lockInterruptibly"),
          instanceMethod().onDescendantOf("java.util.concurrent.ExecutorService").namedAnyOf("awaitTermination", "invokeAll", "invokeAny"),
          staticMethod().onClass("java.util.concurrent.locks.LockSupport").namedAnyOf("park", "parkNanos", "parkUntil"),
          instanceMethod().onDescendantOf("java.lang.Process").named("waitFor"),
          instanceMethod().onDescendantOf("java.nio.channels.Selector").named("select"),
          instanceMethod().onDescendantOf("java.io.InputStream").named("read"),
          instanceMethod().onDescendantOf("java.io.Reader").namedAnyOf("read", "readLine"),
          instanceMethod().onDescendantOf("java.nio.channels.ReadableByteChannel").named("read"),
          instanceMethod().onDescendantOf("java.net.ServerSocket").named("accept"),
          instanceMethod().onDescendantOf("java.nio.channels.ServerSocketChannel").named("accept"));

  private BlockingCalls() {}

  /** A queue's timed {@code poll(timeout, unit)} and {@code offer(e, timeout, unit)}: they wait, up to the timeout. */
  private static final Matcher<ExpressionTree> TIMED_QUEUE_WAIT =
      instanceMethod().onDescendantOf("java.util.concurrent.BlockingQueue").namedAnyOf("poll", "offer");

  /** Whether {@code call} may block its thread. */
  static boolean isBlocking(MethodInvocationTree call, VisitorState state) {
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    if (!NAMES.contains(name)) {
      return false;
    }
    if (name.equals("poll") || name.equals("offer")) {
      return call.getArguments().size() == (name.equals("poll") ? 2 : 3) && TIMED_QUEUE_WAIT.matches(call, state);
    }
    return BLOCKING.matches(call, state);
  }

  /**
   * Whether {@code call} may block while keeping the monitors its thread holds: every blocking
   * call but {@code Object.wait()}, which releases the monitor it waits on.
   */
  static boolean blocksHoldingMonitors(MethodInvocationTree call, VisitorState state) {
    return !"wait".contentEquals(MethodNames.simpleName(call.getMethodSelect())) && isBlocking(call, state);
  }

  /** Whether any call in {@code tree} (lambdas and nested classes included) may block. */
  static boolean anyIn(Tree tree, VisitorState state) {
    return TreeSearch.anyMatch(
        tree, node -> node instanceof MethodInvocationTree && isBlocking((MethodInvocationTree) node, state));
  }

  private static final Pattern SLEEP_HELPER = Pattern.compile("(?i)(sleep|nap|pause)\\w*");

  /**
   * {@code Util.sleep(1000)}, {@code ThreadUtils.sleepQuietly(ms)}: a static method of a class
   * outside this file, named for sleeping, that takes one duration (a number, perhaps with its
   * {@code TimeUnit}) and gives nothing back but perhaps whether it was interrupted. Its body is not
   * in this file; its name and its signature together are what a sleep helper looks like.
   */
  static boolean isSleepHelper(Symbol.MethodSymbol method, VisitorState state) {
    if (!method.isStatic() || !SLEEP_HELPER.matcher(method.getSimpleName()).matches()) {
      return false;
    }
    List<Symbol.VarSymbol> parameters = method.getParameters();
    boolean oneDuration =
        (parameters.size() == 1 && isWholeNumber(parameters.get(0).type))
            || (parameters.size() == 2
                && isWholeNumber(parameters.get(0).type)
                && parameters.get(1).type.tsym.getQualifiedName().contentEquals("java.util.concurrent.TimeUnit"));
    TypeKind returned = method.getReturnType().getKind();
    return oneDuration
        && (returned == TypeKind.VOID || returned == TypeKind.BOOLEAN)
        && !isDeclaredInThisFile(method, state);
  }

  private static boolean isWholeNumber(Type type) {
    return type.getKind() == TypeKind.LONG || type.getKind() == TypeKind.INT;
  }

  private static boolean isDeclaredInThisFile(Symbol method, VisitorState state) {
    Symbol.ClassSymbol owner = method.enclClass();
    return owner != null
        && owner.sourcefile != null
        && owner.sourcefile.equals(state.getPath().getCompilationUnit().getSourceFile());
  }

}
