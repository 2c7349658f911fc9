package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.DoWhileLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.tree.WhileLoopTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A loop that waits for a {@code BlockingQueue} to have work by asking it without blocking and
 * napping between asks (a {@link Nap}). Three shapes:
 *
 * <ul>
 *   <li>{@link Shape#POLL_UNTIL_ITEM}: {@code while ((x = q.poll()) == null) nap;}
 *   <li>{@link Shape#POLL_OR_NAP}: {@code while (running) { x = q.poll(); if (x == null) { nap;
 *       continue; } handle(x); }}
 *   <li>{@link Shape#UNTIL_NOT_EMPTY}: {@code while (q.isEmpty()) nap;} (or {@code q.peek() ==
 *       null}, {@code q.size() == 0}), after which the code takes the item.
 * </ul>
 *
 * Beside the nap, a waiting loop's body may only test for a way out ({@code if (stopped)
 * return;}); a loop that does other work on each pass is not waiting (the seed's "When NOT").
 * Loops that end when the queue is empty ({@code while ((x = q.poll()) != null)}) are drains.
 */
record QueueWait(
    Shape shape,
    TreePath loop,
    MethodInvocationTree poll,
    Symbol queue,
    Nap nap,
    List<? extends StatementTree> exitTests,
    TreePath pollStatement,
    TreePath emptyBranch) {

  enum Shape {
    POLL_UNTIL_ITEM,
    POLL_OR_NAP,
    UNTIL_NOT_EMPTY
  }

  /** Every shape names one of these on the queue: the cheap first filter. */
  private static final Set<String> QUEUE_CALLS = Set.of("poll", "isEmpty", "peek", "size");

  static Optional<QueueWait> of(TreePath loop, VisitorState state) {
    Tree leaf = loop.getLeaf();
    if (!(leaf instanceof WhileLoopTree || leaf instanceof ForLoopTree || leaf instanceof DoWhileLoopTree)
        || (leaf instanceof ForLoopTree
            && (!((ForLoopTree) leaf).getInitializer().isEmpty() || !((ForLoopTree) leaf).getUpdate().isEmpty()))) {
      return Optional.empty();
    }
    ExpressionTree condition = Loops.condition(leaf);
    List<? extends StatementTree> body = Loops.statements(Loops.body(leaf));
    if (condition != null && !(leaf instanceof DoWhileLoopTree)) {
      Optional<QueueWait> inCondition = inCondition(loop, ASTHelpers.stripParentheses(condition), body, state);
      if (inCondition.isPresent()) {
        return inCondition;
      }
    }
    return leaf instanceof DoWhileLoopTree ? Optional.empty() : pollOrNap(loop, body, state);
  }

  /** {@code while ((x = q.poll()) == null)} and {@code while (q.isEmpty())}, body a nap and exit tests. */
  private static Optional<QueueWait> inCondition(
      TreePath loop, ExpressionTree condition, List<? extends StatementTree> body, VisitorState state) {
    MethodInvocationTree polled = assignedPoll(nullTested(condition, Tree.Kind.EQUAL_TO));
    Shape shape = Shape.POLL_UNTIL_ITEM;
    if (polled == null) {
      polled = emptyTest(condition);
      shape = Shape.UNTIL_NOT_EMPTY;
    }
    if (polled == null && condition.getKind() == Tree.Kind.CONDITIONAL_AND) {
      // while (running && q.isEmpty()): the wait, with a way out beside it.
      BinaryTree and = (BinaryTree) condition;
      ExpressionTree left = ASTHelpers.stripParentheses(and.getLeftOperand());
      ExpressionTree right = ASTHelpers.stripParentheses(and.getRightOperand());
      // The emptiness test first: whether the other side only reads may look a method up.
      polled = emptyTest(right);
      if (polled != null && !StateReads.only(left, state)) {
        polled = null;
      }
      if (polled == null) {
        polled = emptyTest(left);
        if (polled != null && !StateReads.only(right, state)) {
          polled = null;
        }
      }
    }
    if (polled == null) {
      return Optional.empty();
    }
    MethodInvocationTree call = polled;
    Shape found = shape;
    return queueOf(call, state)
        .flatMap(
            queue ->
                napAmongExitTests(loop, body, state)
                    .map(nap -> new QueueWait(found, loop, call, queue, nap, exitTests(body, nap), null, null)));
  }

  /**
   * {@code x = q.poll();} (or {@code T x = q.poll();}), then {@code if (x == null) { nap;
   * continue; }}, after nothing but exit tests.
   */
  private static Optional<QueueWait> pollOrNap(TreePath loop, List<? extends StatementTree> body, VisitorState state) {
    // Syntax first: the poll statement after statements shaped like exit tests. Whether those only
    // read (which may look a method up in the file) is asked once the poll has been found.
    int index = 0;
    while (index < body.size() && isExitTestShaped(body.get(index))) {
      index++;
    }
    if (index + 1 >= body.size()) {
      return Optional.empty();
    }
    StatementTree pollStatement = body.get(index);
    Symbol item = null;
    ExpressionTree polled = null;
    if (pollStatement instanceof VariableTree) {
      item = ASTHelpers.getSymbol(pollStatement);
      polled = ((VariableTree) pollStatement).getInitializer();
    } else if (pollStatement instanceof ExpressionStatementTree
        && ((ExpressionStatementTree) pollStatement).getExpression() instanceof AssignmentTree) {
      AssignmentTree assignment = (AssignmentTree) ((ExpressionStatementTree) pollStatement).getExpression();
      item = ASTHelpers.getSymbol(assignment.getVariable());
      polled = assignment.getExpression();
    }
    MethodInvocationTree poll = asPoll(polled);
    if (item == null || poll == null || !(body.get(index + 1) instanceof IfTree)) {
      return Optional.empty();
    }
    IfTree ifTree = (IfTree) body.get(index + 1);
    ExpressionTree tested = nullTested(ASTHelpers.stripParentheses(ifTree.getCondition()), Tree.Kind.EQUAL_TO);
    List<? extends StatementTree> branch = Loops.statements(ifTree.getThenStatement());
    if (tested == null
        || !item.equals(ASTHelpers.getSymbol(ASTHelpers.stripParentheses(tested)))
        || ifTree.getElseStatement() != null
        || branch.size() != 2
        || !continuesThis(branch.get(1), loop)) {
      return Optional.empty();
    }
    TreePath bodyPath = new TreePath(loop, Loops.body(loop.getLeaf()));
    TreePath ifPath = new TreePath(bodyPath, ifTree);
    TreePath napParent = ifTree.getThenStatement() instanceof BlockTree ? new TreePath(ifPath, ifTree.getThenStatement()) : ifPath;
    Optional<Nap> nap = Nap.of(new TreePath(napParent, branch.get(0)), state);
    if (nap.isEmpty() || !body.subList(0, index).stream().allMatch(test -> isExitTest(test, state))) {
      return Optional.empty();
    }
    return queueOf(poll, state)
        .map(
            queue ->
                new QueueWait(
                    Shape.POLL_OR_NAP,
                    loop,
                    poll,
                    queue,
                    nap.get(),
                    body.subList(0, body.indexOf(pollStatement)),
                    new TreePath(bodyPath, pollStatement),
                    ifPath));
  }

  /** The body's only nap, everything else an exit test; empty otherwise. */
  private static Optional<Nap> napAmongExitTests(TreePath loop, List<? extends StatementTree> body, VisitorState state) {
    Tree bodyLeaf = Loops.body(loop.getLeaf());
    if (body.isEmpty()) {
      return Nap.of(new TreePath(loop, bodyLeaf), state);
    }
    TreePath parent = bodyLeaf instanceof BlockTree ? new TreePath(loop, bodyLeaf) : loop;
    Nap nap = null;
    for (StatementTree statement : body) {
      if (isExitTest(statement, state)) {
        continue;
      }
      Optional<Nap> candidate = Nap.of(new TreePath(parent, statement), state);
      if (candidate.isEmpty() || nap != null) {
        return Optional.empty();
      }
      nap = candidate.get();
    }
    return Optional.ofNullable(nap);
  }

  private static List<? extends StatementTree> exitTests(List<? extends StatementTree> body, Nap nap) {
    return body.stream().filter(s -> s != nap.statement().getLeaf()).toList();
  }

  /** {@code if (stopped) return;}: a condition that only reads, then only a way out. */
  static boolean isExitTest(StatementTree statement, VisitorState state) {
    return isExitTestShaped(statement) && StateReads.only(((IfTree) statement).getCondition(), state);
  }

  /** An {@code if} without {@code else} whose only statement is a {@code break}, {@code return} or {@code throw}. */
  private static boolean isExitTestShaped(StatementTree statement) {
    if (!(statement instanceof IfTree) || ((IfTree) statement).getElseStatement() != null) {
      return false;
    }
    List<? extends StatementTree> then = Loops.statements(((IfTree) statement).getThenStatement());
    return then.size() == 1
        && (then.get(0) instanceof BreakTree || then.get(0) instanceof ReturnTree || then.get(0) instanceof ThrowTree);
  }

  private static boolean continuesThis(StatementTree statement, TreePath loop) {
    if (!(statement instanceof ContinueTree)) {
      return false;
    }
    if (((ContinueTree) statement).getLabel() == null) {
      return true;
    }
    Tree around = loop.getParentPath().getLeaf();
    return around instanceof LabeledStatementTree
        && ((LabeledStatementTree) around).getLabel().contentEquals(((ContinueTree) statement).getLabel());
  }

  /** In {@code a == null} or {@code null == a} ({@code kind} picks {@code ==} or {@code !=}): {@code a}. */
  private static ExpressionTree nullTested(ExpressionTree condition, Tree.Kind kind) {
    if (condition.getKind() != kind) {
      return null;
    }
    BinaryTree test = (BinaryTree) condition;
    if (test.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL) {
      return test.getLeftOperand();
    }
    return test.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL ? test.getRightOperand() : null;
  }

  /** {@code (x = q.poll())}: the poll. */
  private static MethodInvocationTree assignedPoll(ExpressionTree tested) {
    if (tested == null || !(ASTHelpers.stripParentheses(tested) instanceof AssignmentTree)) {
      return null;
    }
    return asPoll(((AssignmentTree) ASTHelpers.stripParentheses(tested)).getExpression());
  }

  private static MethodInvocationTree asPoll(ExpressionTree expression) {
    ExpressionTree stripped = expression == null ? null : ASTHelpers.stripParentheses(expression);
    return stripped instanceof MethodInvocationTree && MethodNames.isNoArgCallNamed((MethodInvocationTree) stripped, "poll")
        ? (MethodInvocationTree) stripped
        : null;
  }

  /** {@code q.isEmpty()}, {@code q.peek() == null}, {@code q.size() == 0}: the call on the queue. */
  private static MethodInvocationTree emptyTest(ExpressionTree condition) {
    if (condition instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) condition;
      return MethodNames.isNoArgCallNamed(call, "isEmpty") ? call : null;
    }
    ExpressionTree peeked = nullTested(condition, Tree.Kind.EQUAL_TO);
    if (peeked instanceof MethodInvocationTree && MethodNames.isNoArgCallNamed((MethodInvocationTree) peeked, "peek")) {
      return (MethodInvocationTree) peeked;
    }
    if (condition.getKind() == Tree.Kind.EQUAL_TO) {
      BinaryTree test = (BinaryTree) condition;
      Object zero = ASTHelpers.constValue(test.getRightOperand());
      ExpressionTree sized = ASTHelpers.stripParentheses(test.getLeftOperand());
      if (zero instanceof Integer && (Integer) zero == 0
          && sized instanceof MethodInvocationTree
          && MethodNames.isNoArgCallNamed((MethodInvocationTree) sized, "size")) {
        return (MethodInvocationTree) sized;
      }
    }
    return null;
  }

  /**
   * The queue a call is made on, when it is a {@code BlockingQueue} held in a variable or field
   * ({@code queue}, {@code this.queue}); a call on a plain {@code Queue} gives nothing — that queue
   * cannot block, so there is nothing to rewrite to (see the check's page).
   */
  private static Optional<Symbol> queueOf(MethodInvocationTree call, VisitorState state) {
    if (!QUEUE_CALLS.contains(MethodNames.simpleName(call.getMethodSelect()).toString())
        || !(call.getMethodSelect() instanceof MemberSelectTree)) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.stripParentheses(((MemberSelectTree) call.getMethodSelect()).getExpression());
    if (!(receiver instanceof IdentifierTree || receiver instanceof MemberSelectTree)) {
      return Optional.empty();
    }
    Symbol queue = ASTHelpers.getSymbol(receiver);
    Type blocking = state.getTypeFromString("java.util.concurrent.BlockingQueue");
    Type type = ASTHelpers.getType(receiver);
    if (!(queue instanceof Symbol.VarSymbol) || blocking == null || type == null) {
      return Optional.empty();
    }
    return ASTHelpers.isSubtype(state.getTypes().erasure(type), state.getTypes().erasure(blocking), state)
        ? Optional.of(queue)
        : Optional.empty();
  }

  /** Whether the loop's whole condition is the emptiness test: nothing else ends the wait there. */
  boolean conditionIsOnlyTheTest() {
    ExpressionTree condition = Loops.condition(loop.getLeaf());
    return condition != null && emptyTest(ASTHelpers.stripParentheses(condition)) == poll;
  }

  /** The expression the queue is written as at the poll, for a rewrite to call it again. */
  ExpressionTree queueExpression() {
    return ((MemberSelectTree) poll.getMethodSelect()).getExpression();
  }
}
