package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * What a critical section holds: the body of a {@code synchronized} method, a {@code synchronized}
 * block, or the statements between {@code lock()} and {@code unlock()} of a {@code
 * java.util.concurrent.locks.Lock} — with or without {@code try}/{@code finally}. Shared by the
 * checks that ask "what does this critical section do?".
 *
 * @param kind how the lock is taken
 * @param region the statements that take, hold and release the lock: the method, the {@code
 *     synchronized} statement, or {@code lock();} through the {@code try} or {@code unlock();}
 * @param statements what runs while the lock is held
 * @param lock the lock's source text ({@code this} for a synchronized instance method)
 */
record CriticalSection(Kind kind, List<Tree> region, List<? extends StatementTree> statements, String lock) {
  enum Kind {
    SYNCHRONIZED_METHOD,
    SYNCHRONIZED_BLOCK,
    LOCK_TRY_FINALLY,
    LOCK_UNLOCK
  }

  /** A {@code synchronized} method with a body. */
  static Optional<CriticalSection> ofMethod(MethodTree method) {
    // Every method passes through here: test the symbol's flag bits, not getFlags() (a new set).
    Symbol.MethodSymbol symbol = ASTHelpers.getSymbol(method);
    if (symbol == null || (symbol.flags() & Flags.SYNCHRONIZED) == 0 || method.getBody() == null) {
      return Optional.empty();
    }
    String lock = symbol.isStatic() ? "class" : "this";
    return Optional.of(
        new CriticalSection(Kind.SYNCHRONIZED_METHOD, List.of(method), method.getBody().getStatements(), lock));
  }

  static Optional<CriticalSection> ofBlock(SynchronizedTree block, VisitorState state) {
    String lock = state.getSourceForNode(ASTHelpers.stripParentheses(block.getExpression()));
    if (lock == null || block.getBlock() == null) {
      return Optional.empty();
    }
    return Optional.of(new CriticalSection(Kind.SYNCHRONIZED_BLOCK, List.of(block), block.getBlock().getStatements(), lock));
  }

  /**
   * The section opened by the statement {@code lockStatement} ({@code x.lock();} on a {@code
   * Lock}): closed by a {@code try} right after it whose {@code finally} is only {@code
   * x.unlock();}, or by a later {@code x.unlock();} in the same block.
   */
  static Optional<CriticalSection> ofLockStatement(TreePath lockStatement, VisitorState state) {
    String lock = lockReceiver(lockStatement.getLeaf(), "lock", state);
    Tree parent = lockStatement.getParentPath().getLeaf();
    if (lock == null || !(parent instanceof BlockTree)) {
      return Optional.empty();
    }
    List<? extends StatementTree> siblings = ((BlockTree) parent).getStatements();
    int index = siblings.indexOf(lockStatement.getLeaf());
    if (index < 0 || index + 1 >= siblings.size()) {
      return Optional.empty();
    }
    StatementTree next = siblings.get(index + 1);
    if (next instanceof TryTree) {
      TryTree tryTree = (TryTree) next;
      BlockTree finallyBlock = tryTree.getFinallyBlock();
      if (tryTree.getCatches().isEmpty()
          && tryTree.getResources().isEmpty()
          && finallyBlock != null
          && finallyBlock.getStatements().size() == 1
          && lock.equals(lockReceiver(finallyBlock.getStatements().get(0), "unlock", state))) {
        return Optional.of(
            new CriticalSection(
                Kind.LOCK_TRY_FINALLY, List.of(lockStatement.getLeaf(), tryTree), tryTree.getBlock().getStatements(), lock));
      }
      return Optional.empty();
    }
    for (int i = index + 1; i < siblings.size(); i++) {
      if (lock.equals(lockReceiver(siblings.get(i), "unlock", state))) {
        return Optional.of(
            new CriticalSection(
                Kind.LOCK_UNLOCK, List.of(lockStatement.getLeaf(), siblings.get(i)), siblings.subList(index + 1, i), lock));
      }
    }
    return Optional.empty();
  }

  /**
   * The receiver's text of {@code statement} when it is {@code x.<name>();} on a {@code Lock}
   * (a {@code ReentrantLock}, a read-write lock's {@code writeLock()}, …), else null.
   */
  private static String lockReceiver(Tree statement, String name, VisitorState state) {
    if (!(statement instanceof ExpressionStatementTree)
        || !(((ExpressionStatementTree) statement).getExpression() instanceof MethodInvocationTree)) {
      return null;
    }
    MethodInvocationTree call = (MethodInvocationTree) ((ExpressionStatementTree) statement).getExpression();
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    if (!MethodNames.isNoArgCallNamed(call, name) || receiver == null) {
      return null;
    }
    Type lockType = state.getTypeFromString("java.util.concurrent.locks.Lock");
    Type receiverType = ASTHelpers.getType(receiver);
    if (lockType == null || receiverType == null || !ASTHelpers.isSubtype(receiverType, lockType, state)) {
      return null;
    }
    return state.getSourceForNode(ASTHelpers.stripParentheses(receiver));
  }

  /**
   * The innermost critical section whose held statements contain {@code path}, within its method;
   * empty in a lambda or class body declared inside it (that code runs elsewhere).
   */
  static Optional<CriticalSection> around(TreePath path, VisitorState state) {
    for (TreePath p = path; p != null && p.getParentPath() != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree) {
        return ofMethod((MethodTree) leaf);
      }
      if (EnclosingCode.isBoundary(leaf)) {
        return Optional.empty();
      }
      if (leaf instanceof SynchronizedTree && p != path) {
        return ofBlock((SynchronizedTree) leaf, state);
      }
      Optional<CriticalSection> locked = lockedAround(p, state);
      if (locked.isPresent()) {
        return locked;
      }
    }
    return Optional.empty();
  }

  /** A {@code lock()} section of {@code statement}'s block that holds {@code statement}. */
  private static Optional<CriticalSection> lockedAround(TreePath statement, VisitorState state) {
    TreePath blockPath = statement.getParentPath();
    if (!(blockPath.getLeaf() instanceof BlockTree)) {
      return Optional.empty();
    }
    // In the try block of `lock(); try { … } finally { unlock(); }`.
    TreePath tryPath = blockPath.getParentPath();
    if (tryPath != null
        && tryPath.getLeaf() instanceof TryTree
        && ((TryTree) tryPath.getLeaf()).getBlock() == blockPath.getLeaf()
        && tryPath.getParentPath().getLeaf() instanceof BlockTree) {
      List<? extends StatementTree> outer = ((BlockTree) tryPath.getParentPath().getLeaf()).getStatements();
      int index = outer.indexOf(tryPath.getLeaf());
      if (index > 0) {
        Optional<CriticalSection> section =
            ofLockStatement(new TreePath(tryPath.getParentPath(), outer.get(index - 1)), state);
        if (section.isPresent() && section.get().kind() == Kind.LOCK_TRY_FINALLY) {
          return section;
        }
      }
    }
    // Between `lock();` and `unlock();` of the same block.
    List<? extends StatementTree> siblings = ((BlockTree) blockPath.getLeaf()).getStatements();
    int index = siblings.indexOf(statement.getLeaf());
    for (int i = index - 1; i >= 0; i--) {
      Optional<CriticalSection> section = ofLockStatement(new TreePath(blockPath, siblings.get(i)), state);
      if (section.isPresent()
          && section.get().kind() == Kind.LOCK_UNLOCK
          && section.get().statements().contains(statement.getLeaf())) {
        return section;
      }
    }
    return Optional.empty();
  }

  /**
   * The section's only statement when it is a tally — {@code count++}, {@code ++count}, {@code
   * count--}, {@code count += n}, {@code count -= n}, as the statement or returned — its
   * expression; CounterUnderLock's shape.
   */
  Optional<ExpressionTree> onlyTally() {
    if (statements.size() != 1) {
      return Optional.empty();
    }
    StatementTree statement = statements.get(0);
    ExpressionTree expression =
        statement instanceof ExpressionStatementTree
            ? ((ExpressionStatementTree) statement).getExpression()
            : statement instanceof ReturnTree ? ((ReturnTree) statement).getExpression() : null;
    if (expression == null) {
      return Optional.empty();
    }
    expression = ASTHelpers.stripParentheses(expression);
    switch (expression.getKind()) {
      case PREFIX_INCREMENT:
      case POSTFIX_INCREMENT:
      case PREFIX_DECREMENT:
      case POSTFIX_DECREMENT:
      case PLUS_ASSIGNMENT:
      case MINUS_ASSIGNMENT:
        return Optional.of(expression);
      default:
        return Optional.empty();
    }
  }

  /**
   * The paths of the statements held, given the path of {@link #first()}: the method, the {@code
   * synchronized} statement or the {@code lock();} statement.
   */
  List<TreePath> statementPaths(TreePath firstPath) {
    TreePath holder;
    switch (kind) {
      case SYNCHRONIZED_METHOD:
        holder = new TreePath(firstPath, ((MethodTree) first()).getBody());
        break;
      case SYNCHRONIZED_BLOCK:
        holder = new TreePath(firstPath, ((SynchronizedTree) first()).getBlock());
        break;
      case LOCK_TRY_FINALLY:
        TryTree tryTree = (TryTree) last();
        holder = new TreePath(new TreePath(firstPath.getParentPath(), tryTree), tryTree.getBlock());
        break;
      default:
        holder = firstPath.getParentPath();
    }
    List<TreePath> paths = new ArrayList<>();
    for (StatementTree statement : statements) {
      paths.add(new TreePath(holder, statement));
    }
    return paths;
  }

  /**
   * The lock's expression: the {@code synchronized} operand or the receiver of {@code lock()};
   * null for a {@code synchronized} method.
   */
  ExpressionTree lockExpression() {
    Tree first = first();
    if (first instanceof SynchronizedTree) {
      return ASTHelpers.stripParentheses(((SynchronizedTree) first).getExpression());
    }
    if (first instanceof ExpressionStatementTree) {
      ExpressionTree receiver = ASTHelpers.getReceiver(((ExpressionStatementTree) first).getExpression());
      return receiver == null ? null : ASTHelpers.stripParentheses(receiver);
    }
    return null;
  }

  /**
   * The non-final fields that the held statements read or write (lambdas and classes in them
   * included): the state this lock guards here. A final field never changes, so it guards nothing.
   */
  Set<Symbol> mutableFieldsUsed() {
    Set<Symbol> fields = new LinkedHashSet<>();
    for (StatementTree statement : statements) {
      TreeSearch.anyMatch(
          statement,
          node -> {
            if (node instanceof IdentifierTree || node instanceof MemberSelectTree) {
              Symbol symbol = ASTHelpers.getSymbol(node);
              if (symbol != null && symbol.getKind() == ElementKind.FIELD && (symbol.flags() & Flags.FINAL) == 0) {
                fields.add(symbol);
              }
            }
            return false;
          });
    }
    return fields;
  }

  /** The first tree of the region: where a fix that removes the locking starts. */
  Tree first() {
    return region.get(0);
  }

  /** The last tree of the region. */
  Tree last() {
    return region.get(region.size() - 1);
  }
}
