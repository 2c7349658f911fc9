package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.SUGGESTION;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.BreakTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.ForLoopTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;

/**
 * Flags the {@code Thread.yield()} shapes that only cost: the "be nice" yield in a loop that works
 * through data or in a method called per item, and the yield of a spin-wait. Yields that are one
 * tier of a deliberate back-off (a retry loop, a wait strategy's step) are left alone.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "Thread.yield() enters the OS scheduler for nothing: the OS already preempts threads, and"
            + " a thread that waits for another should block, not spin",
    severity = SUGGESTION,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "ThreadYield.md")
public final class ThreadYield extends BugChecker implements MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Matcher<ExpressionTree> THREAD_YIELD =
      staticMethod().onClass("java.lang.Thread").named("yield");

  /** Calls after which a yield lets the thread just woken or handed work run: not "be nice". */
  private static final Set<String> HAND_OFFS =
      Set.of(
          "interrupt", "unpark", "notify", "notifyAll", "signal", "signalAll", "countDown", "release",
          "start", "execute", "submit", "offer", "put", "add", "set", "lazySet", "complete");

  /** Method names of a wait strategy's step, which its caller loops over. */
  private static final List<String> WAITING_WORDS =
      List.of("wait", "idle", "spin", "backoff", "back_off", "pause", "yield", "sleep", "park");

  private static final String BE_NICE_TEXT =
      ". This yield is \"be nice\" in code that works: the kernel preempts a thread at the end of"
          + " its time slice anyway, so the system call buys nothing";

  private static final String SPIN_WAIT_TEXT =
      ". This loop waits for another thread by polling: it burns a CPU (and with yield() a system"
          + " call per pass) until the state changes. Block instead: CountDownLatch, a"
          + " CompletableFuture, a Condition, or LockSupport.park() with unpark() from the thread"
          + " that changes the state. Thread.onSpinWait() is no replacement: when threads"
          + " outnumber cores the spinner keeps the CPU from the thread it waits for (see the"
          + " check's page)";

  private final ProfiledFindings profiled;

  public ThreadYield() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  ThreadYield(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(tree, "yield")
        || !THREAD_YIELD.matches(tree, state)
        || !(state.getPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)
        || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    TreePath statement = state.getPath().getParentPath();
    TreePath loop = Loops.innermost(statement);
    if (loop == null) {
      return matchPerCallCounter(tree, statement, state);
    }
    if (worksThroughData(loop.getLeaf()) && !followsHandOff(statement)) {
      return StatementRemoval.removeEnclosingStatement(state)
          .map(fix -> beNice(tree, fix, "delete the yield()" + StatementRemoval.alsoRemoved(statement, state)))
          .orElse(Description.NO_MATCH);
    }
    if (isSpinWait(loop.getLeaf(), statement.getLeaf(), state) && !BusyPollLoop.reportsQueueWait(loop, state)) {
      return buildDescription(tree).setMessage(message() + SPIN_WAIT_TEXT).build();
    }
    // A yield in one branch of a retry loop, or in a loop whose condition does work (a CAS, an
    // offer): a back-off tier chosen on purpose, as in ConcurrentHashMap.initTable.
    return Description.NO_MATCH;
  }

  /**
   * A loop over data: a for-each, or a counting {@code for} whose counter runs to the data's size
   * ({@code i < values.length}, {@code i < list.size()}). Its yield is the seed's "be fair" kind.
   * A counting loop bounded by anything else ({@code i < MAX_SPINS}, {@code waiters.get() > 0})
   * is a bounded retry, whose yield is a back-off.
   */
  private static boolean worksThroughData(Tree loop) {
    if (loop instanceof EnhancedForLoopTree) {
      return true;
    }
    if (!(loop instanceof ForLoopTree)
        || ((ForLoopTree) loop).getUpdate().isEmpty()
        || !(((ForLoopTree) loop).getCondition() instanceof BinaryTree)) {
      return false;
    }
    ForLoopTree forLoop = (ForLoopTree) loop;
    Set<Symbol> counters = new HashSet<>();
    for (StatementTree init : forLoop.getInitializer()) {
      Symbol symbol = ASTHelpers.getSymbol(init);
      if (symbol != null) {
        counters.add(symbol);
      }
    }
    BinaryTree condition = (BinaryTree) forLoop.getCondition();
    return (isCounter(condition.getLeftOperand(), counters) && isDataSize(condition.getRightOperand()))
        || (isCounter(condition.getRightOperand(), counters) && isDataSize(condition.getLeftOperand()));
  }

  private static boolean isCounter(ExpressionTree operand, Set<Symbol> counters) {
    return operand instanceof IdentifierTree && counters.contains(ASTHelpers.getSymbol(operand));
  }

  /** {@code values.length}, {@code list.size()}, {@code text.length()}. */
  private static boolean isDataSize(ExpressionTree operand) {
    ExpressionTree size = ASTHelpers.stripParentheses(operand);
    if (size instanceof MemberSelectTree) {
      return ((MemberSelectTree) size).getIdentifier().contentEquals("length");
    }
    if (size instanceof MethodInvocationTree && ((MethodInvocationTree) size).getArguments().isEmpty()) {
      CharSequence name = MethodNames.simpleName(((MethodInvocationTree) size).getMethodSelect());
      return "size".contentEquals(name) || "length".contentEquals(name);
    }
    return false;
  }

  /**
   * {@code worker.interrupt(); Thread.yield();}: the yield lets the thread just woken, or handed
   * work, run (Ant's {@code Parallel.killAll} interrupts each task and yields to it).
   */
  private static boolean followsHandOff(TreePath statement) {
    Tree block = statement.getParentPath().getLeaf();
    if (!(block instanceof BlockTree)) {
      return false;
    }
    List<? extends StatementTree> statements = ((BlockTree) block).getStatements();
    int index = statements.indexOf(statement.getLeaf());
    if (index < 1 || !(statements.get(index - 1) instanceof ExpressionStatementTree)) {
      return false;
    }
    ExpressionTree previous = ((ExpressionStatementTree) statements.get(index - 1)).getExpression();
    return previous instanceof MethodInvocationTree
        && HAND_OFFS.contains(MethodNames.simpleName(((MethodInvocationTree) previous).getMethodSelect()).toString());
  }

  /**
   * A loop that only waits: {@code while (!ready) Thread.yield();} — the whole body is the yield
   * and the condition only reads state — or the same with the exit test in the body, {@code for
   * (;;) { if (ready) break; Thread.yield(); }}.
   */
  private static boolean isSpinWait(Tree loop, Tree yieldStatement, VisitorState state) {
    if (loop instanceof EnhancedForLoopTree) {
      return false;
    }
    List<? extends StatementTree> body = Loops.statements(Loops.body(loop));
    ExpressionTree condition = Loops.condition(loop);
    if (body.size() == 1 && body.get(0) == yieldStatement) {
      return condition != null && StateReads.only(condition, state);
    }
    if (body.size() != 2 || !(condition == null || isTrue(condition))) {
      return false;
    }
    if (loop instanceof ForLoopTree
        && (!((ForLoopTree) loop).getInitializer().isEmpty() || !((ForLoopTree) loop).getUpdate().isEmpty())) {
      return false;
    }
    StatementTree other = body.get(0) == yieldStatement ? body.get(1) : body.get(1) == yieldStatement ? body.get(0) : null;
    return other instanceof IfTree
        && ((IfTree) other).getElseStatement() == null
        && isPlainExit(((IfTree) other).getThenStatement())
        && StateReads.only(((IfTree) other).getCondition(), state);
  }

  private static boolean isTrue(ExpressionTree condition) {
    return Boolean.TRUE.equals(ASTHelpers.constValue(condition, Boolean.class));
  }

  /** {@code break;}, {@code return;} or {@code return value;}, alone or in a block. */
  private static boolean isPlainExit(StatementTree statement) {
    List<? extends StatementTree> statements = Loops.statements(statement);
    if (statements.size() != 1) {
      return false;
    }
    StatementTree exit = statements.get(0);
    return (exit instanceof BreakTree && ((BreakTree) exit).getLabel() == null) || exit instanceof ReturnTree;
  }

  /**
   * The seed's own "be nice" outside a loop: a method called per message or item that yields every
   * N calls, {@code if (++dispatched % 1000 == 0) { dispatched = 0; Thread.yield(); }}. The yield
   * goes; so do the counter and its {@code if} when nothing else reads the counter.
   */
  private Description matchPerCallCounter(MethodInvocationTree yieldCall, TreePath statement, VisitorState state) {
    Optional<PerCallCounter> counter = PerCallCounter.find(statement, state);
    if (counter.isEmpty()) {
      // A yield outside any loop is otherwise one step of a caller's wait strategy (Disruptor's
      // YieldingWaitStrategy): whether it helps depends on that caller. No finding.
      return Description.NO_MATCH;
    }
    Optional<SuggestedFix> withCounter = counter.get().removal(state);
    if (withCounter.isPresent()) {
      return beNice(
          yieldCall, withCounter.get(), "delete the yield(), the `if` that counts calls for it, and the counter that only served it");
    }
    return StatementRemoval.removeEnclosingStatement(state)
        .map(f -> beNice(yieldCall, f, "delete the yield()" + StatementRemoval.alsoRemoved(statement, state)))
        .orElse(Description.NO_MATCH);
  }

  private Description beNice(MethodInvocationTree yieldCall, SuggestedFix fix, String whatTheFixDoes) {
    return buildDescription(yieldCall)
        .setMessage(message() + BE_NICE_TEXT + ". Fix: " + whatTheFixDoes)
        .addFix(fix)
        .build();
  }

  /**
   * {@code if (++n % K == 0)}, {@code if ((n++ & M) == 0)}, or {@code n++;} then {@code if (n % K ==
   * 0)}, on an integral field, around the yield, in a block of a method (no loop) that does
   * other work.
   */
  private record PerCallCounter(
      Symbol field, TreePath ifStatement, TreePath increment, boolean onlyResetsAndYield) {

    static Optional<PerCallCounter> find(TreePath statement, VisitorState state) {
      TreePath ifPath = statement.getParentPath();
      if (ifPath.getLeaf() instanceof BlockTree) {
        ifPath = ifPath.getParentPath();
      }
      if (!(ifPath.getLeaf() instanceof IfTree) || ((IfTree) ifPath.getLeaf()).getElseStatement() != null) {
        return Optional.empty();
      }
      IfTree ifTree = (IfTree) ifPath.getLeaf();
      TreePath bodyPath = ifPath.getParentPath();
      MethodTree method = EnclosingCode.method(bodyPath);
      if (!(bodyPath.getLeaf() instanceof BlockTree) || method == null) {
        return Optional.empty();
      }
      String name = method.getName().toString().toLowerCase(Locale.ROOT);
      if (WAITING_WORDS.stream().anyMatch(name::contains)) {
        return Optional.empty();
      }
      CounterTest test = CounterTest.of(ifTree.getCondition());
      if (test == null || !isIntegralField(test.counter())) {
        return Optional.empty();
      }
      List<? extends StatementTree> statements = ((BlockTree) bodyPath.getLeaf()).getStatements();
      TreePath increment = null;
      if (!test.increments()) {
        int index = statements.indexOf(ifTree);
        for (int i = 0; i < index && increment == null; i++) {
          if (increments(statements.get(i), test.counter())) {
            increment = new TreePath(bodyPath, statements.get(i));
          }
        }
        if (increment == null) {
          return Optional.empty();
        }
      }
      // Other work beside the counter, in the same block: a method called per message, not a
      // wait step. (ActiveMQ's consumer keeps its counter at the end of a try block.)
      if (statements.size() <= (increment == null ? 1 : 2)) {
        return Optional.empty();
      }
      boolean onlyResets =
          Loops.statements(ifTree.getThenStatement()).stream()
              .allMatch(s -> s == statement.getLeaf() || isReset(s, test.counter()));
      return Optional.of(new PerCallCounter(test.counter(), ifPath, increment, onlyResets));
    }

    /** Removes the if, the increment and the field, when the counter serves only this yield. */
    Optional<SuggestedFix> removal(VisitorState state) {
      if (!onlyResetsAndYield || !field.isPrivate()) {
        return Optional.empty();
      }
      CompilationUnitTree unit = state.getPath().getCompilationUnit();
      Optional<TreePath> declaration = SymbolUses.declaration(unit, field);
      Tree incrementLeaf = increment == null ? null : increment.getLeaf();
      if (declaration.isEmpty()
          || !hasNoInitializerWithEffect((VariableTree) declaration.get().getLeaf(), state)
          || !SymbolUses.in(unit, field).stream()
              .allMatch(use -> SymbolUses.isWithin(use, ifStatement.getLeaf(), incrementLeaf))) {
        return Optional.empty();
      }
      Optional<SuggestedFix> statements =
          increment == null
              ? StatementRemoval.removeStatement(ifStatement, state)
              : StatementRemoval.removeAdjacentStatements(increment, ifStatement, state)
                  .or(() -> both(StatementRemoval.removeStatement(increment, state), StatementRemoval.removeStatement(ifStatement, state)));
      return both(statements, StatementRemoval.removeStatement(declaration.get(), state));
    }

    private static boolean hasNoInitializerWithEffect(VariableTree declaration, VisitorState state) {
      return declaration.getInitializer() == null
          || StatementRemoval.hasNoEffect(declaration.getInitializer(), state);
    }

    private static Optional<SuggestedFix> both(Optional<SuggestedFix> first, Optional<SuggestedFix> second) {
      if (first.isEmpty() || second.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(SuggestedFix.builder().merge(first.get()).merge(second.get()).build());
    }

    private static boolean isIntegralField(Symbol symbol) {
      if (symbol == null || symbol.getKind() != javax.lang.model.element.ElementKind.FIELD) {
        return false;
      }
      switch (symbol.asType().getKind()) {
        case INT:
        case LONG:
        case SHORT:
        case BYTE:
          return true;
        default:
          return false;
      }
    }

    /** {@code n++;}, {@code ++n;}, {@code n += 1;} */
    private static boolean increments(StatementTree statement, Symbol counter) {
      if (!(statement instanceof ExpressionStatementTree)) {
        return false;
      }
      ExpressionTree expression = ((ExpressionStatementTree) statement).getExpression();
      switch (expression.getKind()) {
        case PREFIX_INCREMENT:
        case POSTFIX_INCREMENT:
          return counter.equals(ASTHelpers.getSymbol(((com.sun.source.tree.UnaryTree) expression).getExpression()));
        case PLUS_ASSIGNMENT:
          return counter.equals(ASTHelpers.getSymbol(((CompoundAssignmentTree) expression).getVariable()))
              && ASTHelpers.constValue(((CompoundAssignmentTree) expression).getExpression()) != null;
        default:
          return false;
      }
    }

    /** {@code n = 0;} */
    private static boolean isReset(StatementTree statement, Symbol counter) {
      if (!(statement instanceof ExpressionStatementTree)
          || !(((ExpressionStatementTree) statement).getExpression() instanceof com.sun.source.tree.AssignmentTree)) {
        return false;
      }
      com.sun.source.tree.AssignmentTree assignment =
          (com.sun.source.tree.AssignmentTree) ((ExpressionStatementTree) statement).getExpression();
      return counter.equals(ASTHelpers.getSymbol(assignment.getVariable()))
          && ASTHelpers.constValue(assignment.getExpression()) != null;
    }
  }

  /** The {@code n % K == 0} / {@code (n & M) == 0} test, with the counter and whether it bumps it. */
  private record CounterTest(Symbol counter, boolean increments) {
    static CounterTest of(ExpressionTree condition) {
      ExpressionTree test = ASTHelpers.stripParentheses(condition);
      if (test.getKind() != Tree.Kind.EQUAL_TO) {
        return null;
      }
      BinaryTree equality = (BinaryTree) test;
      ExpressionTree other =
          isZero(equality.getRightOperand()) ? equality.getLeftOperand()
              : isZero(equality.getLeftOperand()) ? equality.getRightOperand() : null;
      if (other == null) {
        return null;
      }
      other = ASTHelpers.stripParentheses(other);
      if ((other.getKind() != Tree.Kind.REMAINDER && other.getKind() != Tree.Kind.AND)
          || ASTHelpers.constValue(((BinaryTree) other).getRightOperand()) == null) {
        return null;
      }
      ExpressionTree counter = ASTHelpers.stripParentheses(((BinaryTree) other).getLeftOperand());
      boolean increments =
          counter.getKind() == Tree.Kind.PREFIX_INCREMENT || counter.getKind() == Tree.Kind.POSTFIX_INCREMENT;
      if (increments) {
        counter = ((com.sun.source.tree.UnaryTree) counter).getExpression();
      }
      if (!(counter instanceof IdentifierTree || counter instanceof MemberSelectTree)) {
        return null;
      }
      return new CounterTest(ASTHelpers.getSymbol(counter), increments);
    }

    private static boolean isZero(ExpressionTree operand) {
      Object value = ASTHelpers.constValue(operand);
      return value instanceof Number && ((Number) value).longValue() == 0;
    }
  }
}
