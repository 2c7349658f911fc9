package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
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
import java.util.regex.Pattern;

/**
 * Code that monitoring runs again and again, at the rate of whoever polls it: a gauge's value, a
 * metrics collector, a health check — and the methods of this file that only they call. A
 * diagnostic that costs a safepoint is fine on demand; here it is paid on every scrape, by every
 * scraper, forever. A task the code schedules for itself is not one: its period is a choice made
 * for that diagnostic (H2's deadlock watchdog runs every 10 s), the "slow schedule of its own"
 * the checks recommend.
 */
final class RoutineCode {
  private RoutineCode() {}

  /** Methods of monitoring APIs that are called on every read (Dropwizard, Prometheus, Micrometer, Spring, JMX). */
  private static final Set<String> CALLBACK_METHODS =
      Set.of(
          "getvalue", "getvalues", "collect", "getmetrics", "check", "health", "gethealth", "dohealthcheck",
          "checkhealth", "scrape", "report", "sample", "getsnapshot", "getattribute", "getattributes");

  /** Words (of camel-case names) of calls and types that take a callback to read a metric. */
  private static final Set<String> METRIC_WORDS =
      Set.of(
          "gauge", "gauges", "metric", "metrics", "meter", "meters", "health", "collector", "collectors",
          "callback", "callbacks");

  private static final Pattern WORD_BOUNDARY = Pattern.compile("(?<=[a-z0-9])(?=[A-Z])|_|\\$");

  /** Whether the code at {@code path} runs each time monitoring reads a value. */
  static boolean contains(TreePath path, VisitorState state) {
    return contains(path, state, 2);
  }

  private static boolean contains(TreePath path, VisitorState state, int callerHops) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree || leaf instanceof MemberReferenceTree) {
        if (isMetricCallback(p, state)) {
          return true;
        }
        continue; // a lambda runs where the code that calls it runs
      }
      if (leaf instanceof MethodTree) {
        return isCallback((MethodTree) leaf, state)
            || (callerHops > 0 && isOnlyCalledFromRoutineCode((MethodTree) leaf, p, state, callerHops));
      }
      if (leaf instanceof ClassTree) {
        return false;
      }
    }
    return false;
  }

  /** A method of a monitoring API that this class implements. */
  private static boolean isCallback(MethodTree method, VisitorState state) {
    Symbol.MethodSymbol symbol = ASTHelpers.getSymbol(method);
    if (symbol == null || symbol.isStatic()) {
      return false;
    }
    String name = method.getName().toString().toLowerCase(Locale.ROOT);
    return CALLBACK_METHODS.contains(name) && overridesSomething(symbol, state);
  }

  private static boolean overridesSomething(Symbol.MethodSymbol symbol, VisitorState state) {
    return !ASTHelpers.findSuperMethods(symbol, state.getTypes()).isEmpty();
  }

  /**
   * A lambda or method reference that a metrics API keeps and calls on every read ({@code
   * registry.gauge(name, obj, fn)}, {@code (Gauge<Integer>) () -> …}, Prometheus' {@code
   * .callback(…)}).
   */
  private static boolean isMetricCallback(TreePath function, VisitorState state) {
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
      MethodInvocationTree call = (MethodInvocationTree) parent;
      String called = MethodNames.simpleName(call.getMethodSelect()).toString();
      ExpressionTree receiver = ASTHelpers.getReceiver(call);
      Type receiverType = receiver == null ? null : ASTHelpers.getType(receiver);
      return hasMetricWord(called)
          || (receiverType != null && hasMetricWord(receiverType.tsym.getSimpleName().toString()));
    }
    if (parent instanceof NewClassTree) {
      Symbol created = ASTHelpers.getSymbol(((NewClassTree) parent).getIdentifier());
      return created != null && hasMetricWord(created.getSimpleName().toString());
    }
    return false;
  }

  /** Whether a word of {@code name} ({@code registerGauge}: register, gauge) names a metric. */
  private static boolean hasMetricWord(String name) {
    for (String word : WORD_BOUNDARY.split(name)) {
      if (METRIC_WORDS.contains(word.toLowerCase(Locale.ROOT))) {
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
