package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.ContinueTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Rewrites a {@link QueueWait} to block in the queue, keeping what the loop did with interrupts:
 *
 * <ul>
 *   <li>a sleep whose {@code InterruptedException} goes up to the caller: the blocking call throws
 *       it from the same place;
 *   <li>a sleep in a {@code try} whose {@code catch} leaves (returns, throws, breaks, continues):
 *       the blocking call gets the same {@code catch};
 *   <li>a spin that never looked at interrupts: it keeps waiting when interrupted, and sets the
 *       thread's interrupt flag again once it has the item.
 * </ul>
 *
 * {@code take()} where nothing but an item ends the wait; elsewhere {@code poll(nap, unit)}, so
 * the loop sees its way out as often as before. Every other case is reported without a fix, with
 * the reason.
 */
final class QueueWaitFix {
  private QueueWaitFix() {}

  record Outcome(Optional<SuggestedFix> fix, String whyNot, String whatTheFixDoes) {
    static Outcome fix(SuggestedFix fix, String whatItDoes) {
      return new Outcome(Optional.of(fix), "", whatItDoes);
    }

    static Outcome none(String why) {
      return new Outcome(Optional.empty(), why, "");
    }
  }

  private static final String SPINS_WITH_WAY_OUT =
      "the loop polls without a pause and has another way out, so no timeout is given; write"
          + " poll(timeout, unit) with the delay you accept before the way out is seen";

  private static final String CATCH_FALLS_THROUGH =
      "the sleep's catch of InterruptedException neither returns, throws, breaks nor continues,"
          + " so the item variable would have no value after it; decide what an interrupt should do";

  private static final String LENGTH_CHANGES =
      "the nap's length is computed in the loop; write poll(timeout, unit) with it by hand";

  private static final String LAYOUT =
      "the loop is not a statement of a block (or shares its line), where the rewrite would need"
          + " one; rewrite it by hand";

  static Outcome of(QueueWait wait, VisitorState state) {
    if (Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(wait.loop().getLeaf())) == null
        || wait.loop().getParentPath().getLeaf() instanceof com.sun.source.tree.LabeledStatementTree) {
      return Outcome.none(LAYOUT);
    }
    switch (wait.shape()) {
      case POLL_UNTIL_ITEM:
        return pollUntilItem(wait, state);
      case POLL_OR_NAP:
        return pollOrNap(wait, state);
      default:
        return untilNotEmpty(wait, state);
    }
  }

  /** {@code while ((x = q.poll()) == null) nap;} */
  private static Outcome pollUntilItem(QueueWait wait, VisitorState state) {
    Nap nap = wait.nap();
    String queue = state.getSourceForNode(wait.queueExpression());
    if (!wait.exitTests().isEmpty()) {
      // Another way out: the nap becomes the poll's timeout.
      if (!nap.propagatesInterrupts()) {
        return Outcome.none(nap.kind() == Nap.Kind.SLEEP ? CATCH_FALLS_THROUGH : SPINS_WITH_WAY_OUT);
      }
      return timedPoll(wait, state);
    }
    String item = itemAssignedIn(wait, state);
    String indent = indentOf(wait.loop().getLeaf(), state);
    String step = indentStep(wait, state);
    String take = item + " = " + queue + ".take();";
    if (nap.propagatesInterrupts()) {
      return Outcome.fix(SuggestedFix.replace(wait.loop().getLeaf(), take), "the polling loop becomes one take()");
    }
    if (nap.kind() == Nap.Kind.SLEEP) {
      CatchTree handler = nap.interruptHandler();
      if (!leavesBy(handler, Set.of(Tree.Kind.RETURN, Tree.Kind.THROW))) {
        return Outcome.none(
            "the sleep's catch of InterruptedException does not return or throw; decide what an"
                + " interrupt should do while waiting for the item");
      }
      String text = "try {\n" + indent + step + take + "\n" + indent + "} " + catchAt(handler, nap, indent, state);
      return Outcome.fix(
          SuggestedFix.replace(wait.loop().getLeaf(), text),
          "the polling loop becomes one take(), in a try that keeps the sleep's interrupt handling");
    }
    if (!isStatementOfBlock(wait.loop())) {
      return Outcome.none(LAYOUT);
    }
    return Outcome.fix(
        SuggestedFix.replace(wait.loop().getLeaf(), uninterruptibleTake(wait, take, indent, step, state)),
        "the polling loop becomes a take() that goes on waiting when interrupted and restores the flag after");
  }

  /** {@code x = q.poll(); if (x == null) { nap; continue; }} */
  private static Outcome pollOrNap(QueueWait wait, VisitorState state) {
    Nap nap = wait.nap();
    boolean onlyAnItemEnds = onlyAnItemEnds(wait);
    if (nap.kind() != Nap.Kind.SLEEP) {
      return Outcome.none(
          onlyAnItemEnds
              ? "the loop spins between polls and never looked at interrupts; use take(), and decide"
                  + " what its InterruptedException should do (restore the flag and go on waiting,"
                  + " or stop)"
              : SPINS_WITH_WAY_OUT);
    }
    if (!onlyAnItemEnds && !isMovable(nap, wait, state)) {
      return Outcome.none(LENGTH_CHANGES);
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String call =
        state.getSourceForNode(wait.queueExpression())
            + (onlyAnItemEnds ? ".take()" : ".poll(" + state.getSourceForNode(nap.duration()) + ", " + nap.unit(fix, state) + ")");
    TreePath removed = onlyAnItemEnds ? wait.emptyBranch() : nap.statement();
    Optional<SuggestedFix> removal = StatementRemoval.removeStatement(removed, state);
    if (removal.isEmpty()) {
      return Outcome.none(LAYOUT);
    }
    fix.merge(removal.get());
    if (nap.propagatesInterrupts()) {
      return Outcome.fix(fix.replace(wait.poll(), call).build(), pollOrNapFix(call, onlyAnItemEnds));
    }
    CatchTree handler = nap.interruptHandler();
    if (!leavesBy(handler, Set.of(Tree.Kind.RETURN, Tree.Kind.THROW, Tree.Kind.BREAK, Tree.Kind.CONTINUE))) {
      return Outcome.none(CATCH_FALLS_THROUGH);
    }
    StatementTree statement = (StatementTree) wait.pollStatement().getLeaf();
    String indent = indentOf(statement, state);
    String step = indentStep(wait, state);
    String declaration = "";
    String item;
    if (statement instanceof VariableTree) {
      VariableTree variable = (VariableTree) statement;
      if (ASTHelpers.hasImplicitType(variable, state)) {
        return Outcome.none("the item's variable is declared with var, which needs its initializer");
      }
      String head = state.getSourceCode()
          .subSequence(ASTHelpers.getStartPosition(variable), ASTHelpers.getStartPosition(variable.getInitializer()))
          .toString();
      declaration = head.substring(0, head.lastIndexOf('=')).stripTrailing() + ";\n" + indent;
      item = variable.getName().toString();
    } else {
      item = state.getSourceForNode(
          ((AssignmentTree) ((ExpressionStatementTree) statement).getExpression()).getVariable());
    }
    String text =
        declaration + "try {\n" + indent + step + item + " = " + call + ";\n" + indent + "} "
            + catchAt(handler, nap, indent, state);
    return Outcome.fix(
        fix.replace(statement, text).build(),
        pollOrNapFix(call, onlyAnItemEnds) + ", in a try that keeps the sleep's interrupt handling");
  }

  /** {@code while (q.isEmpty()) sleep(n);} and then the item is taken: the taking call blocks. */
  private static Outcome untilNotEmpty(QueueWait wait, VisitorState state) {
    if (!wait.conditionIsOnlyTheTest() || !wait.exitTests().isEmpty()) {
      return Outcome.none(
          "the loop also ends on another condition, and the code after it must then find the queue"
              + " empty; block with poll(timeout, unit) where the item is taken");
    }
    if (!wait.nap().propagatesInterrupts()) {
      return Outcome.none(
          wait.nap().kind() == Nap.Kind.SLEEP
              ? "the nap handles interrupts itself; block where the item is taken (take(), or"
                  + " poll(timeout, unit)) with the same handling"
              : "the loop never looked at interrupts; block where the item is taken (take()) and"
                  + " decide what an interrupt should do there");
    }
    TreePath loop = wait.loop();
    if (!(loop.getParentPath().getLeaf() instanceof BlockTree)) {
      return Outcome.none(LAYOUT);
    }
    List<? extends StatementTree> statements = ((BlockTree) loop.getParentPath().getLeaf()).getStatements();
    int index = statements.indexOf(loop.getLeaf());
    MethodInvocationTree taking =
        index + 1 < statements.size()
            ? firstTakeFrom(new TreePath(loop.getParentPath(), statements.get(index + 1)), wait.queue())
            : null;
    if (taking == null) {
      return Outcome.none(
          "the item is not taken from the queue in the next statement; block where it is taken");
    }
    Optional<SuggestedFix> removal = StatementRemoval.removeStatement(loop, state);
    if (removal.isEmpty()) {
      return Outcome.none(LAYOUT);
    }
    SuggestedFix.Builder fix = SuggestedFix.builder().merge(removal.get());
    CharSequence taken = MethodNames.simpleName(taking.getMethodSelect());
    if (!"take".contentEquals(taken)) {
      fix.replace(taking, state.getSourceForNode(((MemberSelectTree) taking.getMethodSelect()).getExpression()) + ".take()");
      return Outcome.fix(
          fix.build(), "delete the waiting loop, and the " + taken + "() after it becomes take(), which blocks until an item arrives");
    }
    return Outcome.fix(fix.build(), "delete the waiting loop: the take() after it blocks until an item arrives");
  }

  private static Outcome timedPoll(QueueWait wait, VisitorState state) {
    Nap nap = wait.nap();
    if (!isMovable(nap, wait, state)) {
      return Outcome.none(LENGTH_CHANGES);
    }
    Optional<SuggestedFix> removal = StatementRemoval.removeStatement(nap.statement(), state);
    if (removal.isEmpty()) {
      return Outcome.none(LAYOUT);
    }
    SuggestedFix.Builder fix = SuggestedFix.builder().merge(removal.get());
    String call =
        state.getSourceForNode(wait.queueExpression())
            + ".poll(" + state.getSourceForNode(nap.duration()) + ", " + nap.unit(fix, state) + ")";
    return Outcome.fix(fix.replace(wait.poll(), call).build(), "poll() becomes " + call + " and the nap goes");
  }

  private static String pollOrNapFix(String call, boolean onlyAnItemEnds) {
    return onlyAnItemEnds
        ? "poll() becomes " + call + " and the branch that napped on an empty queue goes"
        : "poll() becomes " + call + " and the nap goes";
  }

  /**
   * Waits like the spin did — through interrupts — and then sets the thread's interrupt flag
   * again, as Guava's {@code Uninterruptibles.takeUninterruptibly} does.
   */
  private static String uninterruptibleTake(QueueWait wait, String take, String indent, String step, VisitorState state) {
    Tree scope = EnclosingCode.methodOrLambda(wait.loop());
    Tree searched = scope == null ? state.getPath().getCompilationUnit() : scope;
    String flag = freeName(searched, "interrupted", "interruptedWhileWaiting");
    String caught = freeName(searched, "e", "interruption");
    String in1 = indent + step;
    String in2 = in1 + step;
    return "boolean " + flag + " = false;\n"
        + indent + "while (true) {\n"
        + in1 + "try {\n"
        + in2 + take + "\n"
        + in2 + "break;\n"
        + in1 + "} catch (InterruptedException " + caught + ") {\n"
        + in2 + flag + " = true;\n"
        + in1 + "}\n"
        + indent + "}\n"
        + indent + "if (" + flag + ") {\n"
        + in1 + "Thread.currentThread().interrupt();\n"
        + indent + "}";
  }

  /** Whether the loop ends only when an item comes: {@code while (true)} or {@code for (;;)}, no break, return or throw. */
  private static boolean onlyAnItemEnds(QueueWait wait) {
    ExpressionTree condition = Loops.condition(wait.loop().getLeaf());
    if (condition != null && !Boolean.TRUE.equals(ASTHelpers.constValue(condition, Boolean.class))) {
      return false;
    }
    return Loops.exitDeciders(wait.loop()).stream().allMatch(decider -> decider == condition);
  }

  /**
   * Whether the nap's length (and unit) can be written at the poll and mean the same there:
   * constants, fields and locals declared before the loop that the loop never assigns; no calls.
   */
  private static boolean isMovable(Nap nap, QueueWait wait, VisitorState state) {
    return isMovable(nap.duration(), wait, state)
        && (nap.writtenUnit() == null || isMovable(nap.writtenUnit(), wait, state));
  }

  private static boolean isMovable(ExpressionTree expression, QueueWait wait, VisitorState state) {
    if (ASTHelpers.constValue(expression) != null) {
      return true;
    }
    Tree loop = wait.loop().getLeaf();
    int loopStart = ASTHelpers.getStartPosition(loop);
    return !TreeSearch.anyMatch(
        expression,
        node -> {
          if (node instanceof MethodInvocationTree || node instanceof NewClassTree || Writes.isWrite(node)) {
            return true;
          }
          if (!(node instanceof IdentifierTree || node instanceof MemberSelectTree)) {
            return false;
          }
          Symbol symbol = ASTHelpers.getSymbol(node);
          if (!(symbol instanceof Symbol.VarSymbol)) {
            return false;
          }
          if (symbol.getKind() != ElementKind.FIELD && symbol.getKind() != ElementKind.ENUM_CONSTANT) {
            Optional<TreePath> declaration = SymbolUses.declaration(state.getPath().getCompilationUnit(), symbol);
            if (declaration.isEmpty() || ASTHelpers.getStartPosition(declaration.get().getLeaf()) >= loopStart) {
              return true;
            }
          }
          return TreeSearch.anyMatch(loop, inner -> Writes.isWrite(inner) && symbol.equals(Writes.target(inner)));
        });
  }

  /** {@code x} in the loop condition's {@code (x = q.poll())}. */
  private static String itemAssignedIn(QueueWait wait, VisitorState state) {
    AssignmentTree[] found = new AssignmentTree[1];
    TreeSearch.anyMatch(
        Loops.condition(wait.loop().getLeaf()),
        node -> {
          if (node instanceof AssignmentTree && ASTHelpers.stripParentheses(((AssignmentTree) node).getExpression()) == wait.poll()) {
            found[0] = (AssignmentTree) node;
            return true;
          }
          return false;
        });
    return state.getSourceForNode(found[0].getVariable());
  }

  /** Whether the catch block's last statement is one of {@code exits}, and it has no break or continue elsewhere. */
  private static boolean leavesBy(CatchTree handler, Set<Tree.Kind> exits) {
    List<? extends StatementTree> statements = handler.getBlock().getStatements();
    if (statements.isEmpty() || !exits.contains(statements.get(statements.size() - 1).getKind())) {
      return false;
    }
    StatementTree last = statements.get(statements.size() - 1);
    if ((last instanceof BreakTree && ((BreakTree) last).getLabel() != null)
        || (last instanceof ContinueTree && ((ContinueTree) last).getLabel() != null)) {
      return false;
    }
    return statements.subList(0, statements.size() - 1).stream()
        .noneMatch(s -> TreeSearch.anyMatch(s, n -> n instanceof BreakTree || n instanceof ContinueTree));
  }

  /** The catch clause's source, moved from the nap's indentation to {@code indent}. */
  private static String catchAt(CatchTree handler, Nap nap, String indent, VisitorState state) {
    String source = state.getSourceForNode(handler);
    String napIndent = indentOf(nap.statement().getLeaf(), state);
    if (napIndent == null || napIndent.length() <= indent.length()) {
      return source;
    }
    int excess = napIndent.length() - indent.length();
    String[] lines = source.split("\n", -1);
    StringBuilder moved = new StringBuilder(lines[0]);
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int strip = 0;
      while (strip < excess && strip < line.length() && (line.charAt(strip) == ' ' || line.charAt(strip) == '\t')) {
        strip++;
      }
      moved.append('\n').append(line.substring(strip));
    }
    return moved.toString();
  }

  private static String indentOf(Tree tree, VisitorState state) {
    return Indentation.before(state.getSourceCode(), ASTHelpers.getStartPosition(tree));
  }

  /** One level of this file's indentation: the loop body's first line's, less the loop's; else two spaces. */
  private static String indentStep(QueueWait wait, VisitorState state) {
    Tree loop = wait.loop().getLeaf();
    List<? extends StatementTree> body = Loops.statements(Loops.body(loop));
    String outer = indentOf(loop, state);
    String inner = body.isEmpty() ? null : indentOf(body.get(0), state);
    if (outer != null && inner != null && inner.length() > outer.length() && inner.startsWith(outer)) {
      return inner.substring(outer.length());
    }
    return "  ";
  }

  private static boolean isStatementOfBlock(TreePath path) {
    Tree parent = path.getParentPath().getLeaf();
    return parent instanceof BlockTree
        || (parent instanceof CaseTree && ((CaseTree) parent).getCaseKind() == CaseTree.CaseKind.STATEMENT);
  }

  /** The first {@code poll()}, {@code remove()} or {@code take()} on {@code queue} in a statement, outside lambdas and classes. */
  private static MethodInvocationTree firstTakeFrom(TreePath statement, Symbol queue) {
    MethodInvocationTree[] found = new MethodInvocationTree[1];
    new OwnCodeScanner<Void, Void>() {
      @Override
      public Void visitMethodInvocation(MethodInvocationTree call, Void unused) {
        super.visitMethodInvocation(call, null);
        if (found[0] == null
            && call.getArguments().isEmpty()
            && Set.of("poll", "remove", "take").contains(MethodNames.simpleName(call.getMethodSelect()).toString())
            && call.getMethodSelect() instanceof MemberSelectTree
            && queue.equals(ASTHelpers.getSymbol(((MemberSelectTree) call.getMethodSelect()).getExpression()))) {
          found[0] = call;
        }
        return null;
      }
    }.scan(statement, null);
    return found[0];
  }

  /** {@code preferred}, or the first alternative no identifier in {@code scope} already uses. */
  private static String freeName(Tree scope, String preferred, String... alternatives) {
    String name = preferred;
    for (int i = 0; isUsed(scope, name); i++) {
      name = i < alternatives.length ? alternatives[i] : preferred + i;
    }
    return name;
  }

  private static boolean isUsed(Tree scope, String name) {
    return TreeSearch.anyMatch(
        scope,
        node ->
            (node instanceof VariableTree && ((VariableTree) node).getName().contentEquals(name))
                || (node instanceof IdentifierTree && ((IdentifierTree) node).getName().contentEquals(name)));
  }
}
