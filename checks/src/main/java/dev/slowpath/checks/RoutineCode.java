package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Code that monitoring runs again and again: a gauge's value, a metrics collector, a health check,
 * a task on a fixed schedule — and the methods of this file that only they call. A diagnostic that
 * costs a safepoint is fine once, on demand; here it is paid on every scrape, forever.
 */
final class RoutineCode {
  private RoutineCode() {}

  /** Methods of monitoring APIs that are called on every read (Dropwizard, Prometheus, Micrometer, Spring, JMX). */
  private static final Set<String> CALLBACK_METHODS =
      Set.of(
          "getvalue", "getvalues", "collect", "getmetrics", "check", "health", "gethealth", "dohealthcheck",
          "checkhealth", "scrape", "report", "sample", "getsnapshot", "getattribute", "getattributes");

  /** Words in the names of calls and types that take a callback to read a metric. */
  private static final Set<String> METRIC_WORDS = Set.of("gauge", "metric", "meter", "health", "collector", "callback");

  private static final Set<String> SCHEDULES = Set.of("scheduleAtFixedRate", "scheduleWithFixedDelay", "schedule");

  /** Whether the code at {@code path} runs on a monitoring or scheduled path. */
  static boolean contains(TreePath path, VisitorState state) {
    return contains(path, state, 2);
  }

  private static boolean contains(TreePath path, VisitorState state, int callerHops) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree || leaf instanceof MemberReferenceTree) {
        if (isMetricOrScheduledCallback(p, state)) {
          return true;
        }
        continue; // a lambda runs where the code that calls it runs
      }
      if (leaf instanceof MethodTree) {
        return isCallback((MethodTree) leaf, p, state)
            || (callerHops > 0 && isOnlyCalledFromRoutineCode((MethodTree) leaf, p, state, callerHops));
      }
      if (leaf instanceof ClassTree) {
        return false;
      }
    }
    return false;
  }

  /** A method of a monitoring API this class implements, or the run() of a scheduled task. */
  private static boolean isCallback(MethodTree method, TreePath path, VisitorState state) {
    Symbol.MethodSymbol symbol = ASTHelpers.getSymbol(method);
    if (symbol == null || symbol.isStatic()) {
      return false;
    }
    String name = method.getName().toString().toLowerCase(Locale.ROOT);
    if (CALLBACK_METHODS.contains(name) && overridesSomething(symbol, state)) {
      return true;
    }
    // new TimerTask() { public void run() { … } } handed to a periodic schedule call.
    TreePath classPath = path.getParentPath();
    if (name.equals("run") && classPath != null && classPath.getParentPath() != null) {
      Tree creation = classPath.getParentPath().getLeaf();
      return creation instanceof NewClassTree
          && classPath.getParentPath().getParentPath() != null
          && isPeriodicSchedule(classPath.getParentPath().getParentPath().getLeaf(), creation);
    }
    return false;
  }

  private static boolean overridesSomething(Symbol.MethodSymbol symbol, VisitorState state) {
    return !ASTHelpers.findSuperMethods(symbol, state.getTypes()).isEmpty();
  }

  /**
   * A lambda or method reference that a metrics API keeps and calls on every read ({@code
   * registry.gauge(name, obj, fn)}, {@code (Gauge<Integer>) () -> …}, Prometheus' {@code
   * .callback(…)}) or that a periodic schedule runs.
   */
  private static boolean isMetricOrScheduledCallback(TreePath function, VisitorState state) {
    Type type = ASTHelpers.getType(function.getLeaf());
    if (type != null && hasMetricWord(type.tsym.getSimpleName().toString())) {
      return true;
    }
    Tree parent = function.getParentPath().getLeaf();
    if (parent instanceof TypeCastTree) {
      Type cast = ASTHelpers.getType(((TypeCastTree) parent).getType());
      return cast != null && hasMetricWord(cast.tsym.getSimpleName().toString());
    }
    if (parent instanceof MethodInvocationTree) {
      String called = MethodNames.simpleName(((MethodInvocationTree) parent).getMethodSelect()).toString();
      return hasMetricWord(called) || isPeriodicSchedule(parent, function.getLeaf());
    }
    if (parent instanceof NewClassTree) {
      Symbol created = ASTHelpers.getSymbol(((NewClassTree) parent).getIdentifier());
      return created != null && hasMetricWord(created.getSimpleName().toString());
    }
    return false;
  }

  /** {@code scheduleAtFixedRate(task, …)}, {@code scheduleWithFixedDelay}, {@code Timer.schedule(task, delay, period)}. */
  private static boolean isPeriodicSchedule(Tree call, Tree task) {
    if (!(call instanceof MethodInvocationTree)) {
      return false;
    }
    MethodInvocationTree invocation = (MethodInvocationTree) call;
    String name = MethodNames.simpleName(invocation.getMethodSelect()).toString();
    if (!SCHEDULES.contains(name) || invocation.getArguments().isEmpty() || invocation.getArguments().get(0) != task) {
      return false;
    }
    return !name.equals("schedule") || invocation.getArguments().size() == 3;
  }

  private static boolean hasMetricWord(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (String word : METRIC_WORDS) {
      if (lower.contains(word)) {
        return true;
      }
    }
    return false;
  }

  /** A method of this file whose every call in this file is on a routine path. */
  private static boolean isOnlyCalledFromRoutineCode(
      MethodTree method, TreePath path, VisitorState state, int callerHops) {
    Symbol symbol = ASTHelpers.getSymbol(method);
    if (symbol == null) {
      return false;
    }
    List<TreePath> calls = SymbolUses.in(path.getCompilationUnit(), symbol);
    return !calls.isEmpty()
        && calls.stream().allMatch(call -> !SymbolUses.isWithin(call, method) && contains(call, state, callerHops - 1));
  }
}
