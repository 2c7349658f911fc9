package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MemberReferenceTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Type;

/**
 * Flags {@code System.gc()} and {@code Runtime.gc()}: a full collection on demand, which with the
 * default collectors is a stop-the-world pause of every application thread.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "System.gc() forces a full, stop-the-world collection on the caller's schedule; size the"
            + " heap and let the collector choose its moment",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "ExplicitGc.md")
public final class ExplicitGc extends BugChecker
    implements MethodInvocationTreeMatcher, MemberReferenceTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Matcher<ExpressionTree> EXPLICIT_GC =
      anyOf(
          staticMethod().onClass("java.lang.System").named("gc"),
          instanceMethod().onExactClass("java.lang.Runtime").named("gc"));

  private static final Matcher<ExpressionTree> GET_RUNTIME =
      staticMethod().onClass("java.lang.Runtime").named("getRuntime");

  private static final String NO_FIX_HINT =
      " Remove the task that only requests a collection; bound memory with -Xmx or"
          + " -XX:SoftMaxHeapSize instead.";

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(tree, "gc")
        || !EXPLICIT_GC.matches(tree, state)
        || isExempt(state)) {
      return Description.NO_MATCH;
    }
    if (!receiverHasNoEffect(tree, state)) {
      return buildDescription(tree)
          .setMessage(message() + " Keep what the receiver expression does, and drop the gc() call.")
          .build();
    }
    return StatementRemoval.removeEnclosingStatement(state)
        .map(fix -> describeMatch(tree, fix))
        .orElseGet(() -> buildDescription(tree).setMessage(message() + NO_FIX_HINT).build());
  }

  /**
   * Deleting {@code x.gc()} also deletes the evaluation of {@code x}: fine for {@code System},
   * {@code Runtime.getRuntime()} or a variable, not for a call that may do something else.
   */
  private static boolean receiverHasNoEffect(MethodInvocationTree tree, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    return receiver == null
        || !(ASTHelpers.stripParentheses(receiver) instanceof MethodInvocationTree)
        || GET_RUNTIME.matches(receiver, state);
  }

  @Override
  public Description matchMemberReference(MemberReferenceTree tree, VisitorState state) {
    if (!MethodNames.isReferenceNamed(tree, "gc")
        || !EXPLICIT_GC.matches(tree, state)
        || isExempt(state)) {
      return Description.NO_MATCH;
    }
    return buildDescription(tree).setMessage(message() + NO_FIX_HINT).build();
  }

  private static boolean isExempt(VisitorState state) {
    return NonProductionCode.contains(state) || isOutOfMemoryRecovery(state);
  }

  /**
   * A collection requested after an {@code OutOfMemoryError} is a last resort before retrying, as
   * {@code java.nio.Bits.reserveMemory} does for direct memory: no routine path, no finding.
   */
  private static boolean isOutOfMemoryRecovery(VisitorState state) {
    Type outOfMemory = state.getTypeFromString("java.lang.OutOfMemoryError");
    for (Tree enclosing : state.getPath()) {
      if (enclosing instanceof MethodTree
          || enclosing instanceof ClassTree
          || enclosing instanceof LambdaExpressionTree) {
        return false;
      }
      if (enclosing instanceof CatchTree && outOfMemory != null) {
        Tree caught = ((CatchTree) enclosing).getParameter().getType();
        for (Type alternative : caughtTypes(caught)) {
          if (ASTHelpers.isSubtype(alternative, outOfMemory, state)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  private static Iterable<? extends Type> caughtTypes(Tree caught) {
    Type type = ASTHelpers.getType(caught);
    if (type == null) {
      return java.util.List.of();
    }
    if (type.isUnion()) {
      return ((Type.UnionClassType) type).getAlternativeTypes();
    }
    return java.util.List.of(type);
  }
}
