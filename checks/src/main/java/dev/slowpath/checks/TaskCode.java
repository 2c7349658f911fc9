package dev.slowpath.checks;

import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.Matchers.constructor;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.errorprone.VisitorState;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.Optional;
import javax.lang.model.element.Modifier;

/**
 * The code a thread or pool task runs, when this file holds it: a lambda, an anonymous class, a
 * method reference or a class of this file. What a virtual thread must not meet there: a {@code
 * ThreadLocal} (one value per task, not per worker: a per-thread cache is rebuilt for every task),
 * and on Java 21–23 a blocking call under {@code synchronized}, which pins the virtual thread to
 * its carrier ({@code java.lang.VirtualThread.yieldContinuation} fails while a monitor is held,
 * until JEP 491 in 24).
 */
final class TaskCode {
  private static final Matcher<ExpressionTree> THREAD_LOCAL =
      anyOf(
          instanceMethod().onDescendantOf("java.lang.ThreadLocal"),
          staticMethod().onClass("java.lang.ThreadLocal").named("withInitial"),
          constructor().forClass("java.lang.ThreadLocal"));

  private final Tree code;

  private TaskCode(Tree code) {
    this.code = code;
  }

  /** The code {@code task} (a {@code Runnable} or {@code Callable} expression) runs, if this file has it. */
  static Optional<TaskCode> of(ExpressionTree task, TreePath at, VisitorState state) {
    return Optional.ofNullable(codeOf(ASTHelpers.stripParentheses(task), at, state, 2)).map(TaskCode::new);
  }

  /** The code a subclass of {@code Thread} made at {@code creation} runs, if this file has it. */
  static Optional<TaskCode> ofSubclass(NewClassTree creation, VisitorState state) {
    Tree type =
        creation.getClassBody() != null
            ? creation.getClassBody()
            : declarationIn(ASTHelpers.getSymbol(creation.getIdentifier()), state);
    return Optional.ofNullable(runMethodOf(type)).map(TaskCode::new);
  }

  private static Tree codeOf(ExpressionTree task, TreePath at, VisitorState state, int hops) {
    if (task instanceof LambdaExpressionTree) {
      return ((LambdaExpressionTree) task).getBody();
    }
    if (task instanceof NewClassTree) {
      NewClassTree creation = (NewClassTree) task;
      return runMethodOf(
          creation.getClassBody() != null
              ? creation.getClassBody()
              : declarationIn(ASTHelpers.getSymbol(creation.getIdentifier()), state));
    }
    if (task instanceof MemberReferenceTree) {
      return declarationIn(ASTHelpers.getSymbol(task), state);
    }
    if (task instanceof IdentifierTree && hops > 0) {
      Symbol local = ASTHelpers.getSymbol(task);
      if (SymbolUses.isFinalLocal(local)) {
        TreePath initializer = SymbolUses.initializerOf(local, at);
        return initializer == null ? null : codeOf((ExpressionTree) initializer.getLeaf(), at, state, hops - 1);
      }
    }
    return null;
  }

  /** The code a task class runs: its {@code run()} or {@code call()}, or the whole class when it has neither. */
  private static Tree runMethodOf(Tree type) {
    if (!(type instanceof ClassTree)) {
      return type;
    }
    for (Tree member : ((ClassTree) type).getMembers()) {
      if (member instanceof MethodTree
          && ((MethodTree) member).getParameters().isEmpty()
          && (((MethodTree) member).getName().contentEquals("run") || ((MethodTree) member).getName().contentEquals("call"))) {
        return member;
      }
    }
    return type;
  }

  /** The method or class of this compilation unit that {@code symbol} declares, or null. */
  private static Tree declarationIn(Symbol symbol, VisitorState state) {
    return SymbolUses.declaration(state.getPath().getCompilationUnit(), symbol)
        .map(TreePath::getLeaf)
        .filter(declared -> declared instanceof ClassTree || declared instanceof MethodTree)
        .orElse(null);
  }

  /** Whether the task uses a {@code ThreadLocal}. */
  boolean usesThreadLocal(VisitorState state) {
    return TreeSearch.anyMatch(
        code,
        node -> (node instanceof MethodInvocationTree || node instanceof NewClassTree)
                && THREAD_LOCAL.matches((ExpressionTree) node, state)
            || node instanceof VariableTree && isThreadLocal(ASTHelpers.getSymbol(node), state));
  }

  private static boolean isThreadLocal(Symbol symbol, VisitorState state) {
    Symbol threadLocal = state.getSymbolFromString("java.lang.ThreadLocal");
    return symbol != null && threadLocal != null && symbol.type != null && symbol.type.tsym.isSubClass(threadLocal, state.getTypes());
  }

  /** Whether the task blocks while it holds a monitor: a pinned virtual thread on Java 21–23. */
  boolean blocksInSynchronized(VisitorState state) {
    return TreeSearch.anyMatch(
        code,
        node -> node instanceof SynchronizedTree && blocksIn(((SynchronizedTree) node).getBlock(), state)
            || node instanceof MethodTree && isSynchronizedAndBlocking((MethodTree) node, state));
  }

  /** Whether {@code tree} blocks, itself or in a method of this file that it calls (one call deep). */
  private static boolean blocksIn(Tree tree, VisitorState state) {
    return TreeSearch.anyMatch(
        tree,
        node -> {
          if (!(node instanceof MethodInvocationTree)) {
            return false;
          }
          MethodInvocationTree call = (MethodInvocationTree) node;
          if (BlockingCalls.isBlocking(call, state)) {
            return true;
          }
          Tree callee = declarationIn(ASTHelpers.getSymbol(call), state);
          return callee instanceof MethodTree
              && ((MethodTree) callee).getBody() != null
              && BlockingCalls.anyIn(((MethodTree) callee).getBody(), state);
        });
  }

  private static boolean isSynchronizedAndBlocking(MethodTree method, VisitorState state) {
    return method.getModifiers().getFlags().contains(Modifier.SYNCHRONIZED)
        && method.getBody() != null
        && blocksIn(method.getBody(), state);
  }

  /** Whether the task calls {@code method}: a thread that starts threads for the same work. */
  boolean calls(Symbol method) {
    return method != null
        && TreeSearch.anyMatch(
            code,
            node -> node instanceof MethodInvocationTree && method.equals(ASTHelpers.getSymbol((MethodInvocationTree) node)));
  }

  /**
   * Whether the task is a long-lived worker rather than one item's work: its own code (not the
   * methods it calls) has a loop that runs until told to stop ({@code while (running) …}).
   */
  boolean isWorkerLoop() {
    Tree body = code instanceof MethodTree ? ((MethodTree) code).getBody() : code;
    if (body == null || body instanceof ClassTree) {
      return false;
    }
    boolean[] found = new boolean[1];
    new TreeScanner<Void, Void>() {
      @Override
      public Void scan(Tree tree, Void unused) {
        if (found[0] || tree instanceof LambdaExpressionTree || tree instanceof ClassTree) {
          return null; // their code runs when something else calls it
        }
        if (isOpenEndedLoop(tree)) {
          found[0] = true;
          return null;
        }
        return super.scan(tree, null);
      }
    }.scan(body, null);
    return found[0];
  }

  private static boolean isOpenEndedLoop(Tree statement) {
    return statement instanceof WhileLoopTree
        || statement instanceof DoWhileLoopTree
        || statement instanceof ForLoopTree && ((ForLoopTree) statement).getCondition() == null;
  }
}
