package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A call to a {@code synchronized} method of this file on the same object ({@code put(k, v)},
 * {@code this.put(k, v)}) or class: the lock is taken in the callee, once per call. LockInLoop's
 * shape where the loop and the lock live in two methods.
 */
final class SynchronizedCallee {
  private SynchronizedCallee() {}

  /** Cheap, from the tree and the symbol's flag bits: no scan of the file. */
  static boolean isCandidate(MethodInvocationTree call) {
    ExpressionTree select = call.getMethodSelect();
    boolean onThis =
        select instanceof IdentifierTree
            || (select instanceof MemberSelectTree
                && ((MemberSelectTree) select).getExpression() instanceof IdentifierTree
                && ((IdentifierTree) ((MemberSelectTree) select).getExpression()).getName().contentEquals("this"));
    if (!onThis) {
      return false;
    }
    Symbol.MethodSymbol callee = ASTHelpers.getSymbol(call);
    return callee != null && (callee.flags() & Flags.SYNCHRONIZED) != 0;
  }

  /**
   * The callee's declaration when it is in this file, has a body that does more than one tally
   * (CounterUnderLock's to rewrite), and neither blocks nor waits: a short piece of work whose
   * monitor the loop enters per element.
   */
  static Optional<MethodTree> shortSection(MethodInvocationTree call, VisitorState state) {
    Symbol.MethodSymbol callee = ASTHelpers.getSymbol(call);
    if (callee == null) {
      return Optional.empty();
    }
    MethodTree declaration = DECLARATIONS.get(state).get(state).get(callee);
    if (declaration == null
        || declaration.getBody() == null
        || declaration.getBody().getStatements().isEmpty()
        || CriticalSection.ofMethod(declaration).flatMap(CriticalSection::onlyTally).isPresent()
        || BlockingCalls.anyIn(declaration.getBody(), state)
        || closesOrTouchesFiles(declaration.getBody(), state)
        || takesAnotherLock(declaration.getBody())) {
      return Optional.empty();
    }
    return Optional.of(declaration);
  }

  /** JDBC and sockets: {@code java.sql.Connection}, {@code java.net.Socket}, and what returns them. */
  private static boolean isDatabaseOrNetwork(String type) {
    return type.startsWith("java.sql.") || type.startsWith("java.net.");
  }

  /** A second lock taken inside the callee: lock order matters there, as in LockInLoop's sections. */
  private static boolean takesAnotherLock(Tree body) {
    return TreeSearch.anyMatch(
        body,
        node ->
            node instanceof SynchronizedTree
                || (node instanceof MethodInvocationTree && MethodNames.isNoArgCallNamed((MethodInvocationTree) node, "lock")));
  }

  /**
   * The callee closes a resource, works on files, or talks to a database or the network ({@code
   * closeable.close()}, {@code file.delete()}, {@code Files.…}, a {@code java.sql.Connection}, a
   * {@code java.net.Socket}): a system call or a round trip per element, beside which one monitor
   * enter is noise, and which the loop should not hold the lock across.
   */
  private static boolean closesOrTouchesFiles(Tree body, VisitorState state) {
    return TreeSearch.anyMatch(
        body,
        node -> {
          if (!(node instanceof MethodInvocationTree)) {
            return false;
          }
          Symbol.MethodSymbol method = ASTHelpers.getSymbol((MethodInvocationTree) node);
          if (method == null) {
            return false;
          }
          String owner = method.owner.getQualifiedName().toString();
          String returned = method.getReturnType() == null ? "" : method.getReturnType().tsym.getQualifiedName().toString();
          return (method.getSimpleName().contentEquals("close") && method.getParameters().isEmpty())
              || owner.equals("java.io.File")
              || owner.equals("java.nio.file.Files")
              || isDatabaseOrNetwork(owner)
              || isDatabaseOrNetwork(returned);
        });
  }

  /** The synchronized methods declared in the file being analysed, by symbol; one scan per file. */
  private static final Supplier<PerFile<Map<Symbol, MethodTree>>> DECLARATIONS =
      VisitorState.memoize(state -> new PerFile<>(SynchronizedCallee::synchronizedMethods));

  private static Map<Symbol, MethodTree> synchronizedMethods(VisitorState state) {
    Map<Symbol, MethodTree> found = new HashMap<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitMethod(MethodTree tree, Void unused) {
        Symbol symbol = ASTHelpers.getSymbol(tree);
        if (symbol != null && (symbol.flags() & Flags.SYNCHRONIZED) != 0) {
          found.put(symbol, tree);
        }
        return super.visitMethod(tree, null);
      }
    }.scan((Tree) state.getPath().getCompilationUnit(), null);
    return found;
  }
}
