package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Symbol;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.lang.model.element.ElementKind;

/**
 * A {@code java.util.Timer} made for one call: held in a local variable, or used at once ({@code
 * new Timer().schedule(task, delay)}). Each one starts a {@code TimerThread}. The fix schedules the
 * task on one shared daemon {@code Timer} of the class instead, and cancels the task where the code
 * cancelled its timer.
 */
final class PerCallTimer {
  static final String SHARED_NAME = "TIMEOUTS";

  private final TreePath creation;
  private final Symbol local;

  private PerCallTimer(TreePath creation, Symbol local) {
    this.creation = creation;
    this.local = local;
  }

  /** The timer made at {@code creation} (a {@code new java.util.Timer(…)}), when it is per call. */
  static Optional<PerCallTimer> of(TreePath creation) {
    Tree parent = creation.getParentPath().getLeaf();
    if (parent instanceof VariableTree && ((VariableTree) parent).getInitializer() == creation.getLeaf()) {
      Symbol symbol = ASTHelpers.getSymbol(parent);
      return isLocal(symbol, creation) ? Optional.of(new PerCallTimer(creation, symbol)) : Optional.empty();
    }
    if (parent instanceof AssignmentTree && ((AssignmentTree) parent).getExpression() == creation.getLeaf()) {
      if (!(creation.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)) {
        return Optional.empty(); // `this.timer = timer = new Timer()`: the value is kept as well
      }
      Symbol symbol = ASTHelpers.getSymbol(((AssignmentTree) parent).getVariable());
      return isLocal(symbol, creation) ? Optional.of(new PerCallTimer(creation, symbol)) : Optional.empty();
    }
    if (parent instanceof MemberSelectTree && creation.getParentPath().getParentPath().getLeaf() instanceof MethodInvocationTree) {
      return Optional.of(new PerCallTimer(creation, null));
    }
    return Optional.empty(); // a field, an argument, a return value: the timer outlives the call
  }

  /** A local that the method does not keep in a field: the timer is the call's own. */
  private static boolean isLocal(Symbol symbol, TreePath creation) {
    if (symbol == null || symbol.getKind() != ElementKind.LOCAL_VARIABLE) {
      return false;
    }
    TreePath scope = EnclosingCode.methodOrLambdaPath(creation);
    return scope == null || SymbolUses.within(scope, symbol).stream().noneMatch(PerCallTimer::keeps);
  }

  /**
   * {@code this.timer = timer;}: the timer outlives the call. (One that is only returned is still
   * made per call: reported, without a fix.)
   */
  private static boolean keeps(TreePath use) {
    Tree parent = use.getParentPath().getLeaf();
    if (parent instanceof AssignmentTree && ((AssignmentTree) parent).getExpression() == use.getLeaf()) {
      Symbol target = ASTHelpers.getSymbol(((AssignmentTree) parent).getVariable());
      return target != null && target.getKind() == ElementKind.FIELD;
    }
    return false;
  }

  /** The rewrite to the class's shared timer, or empty (with the reason in {@code why}). */
  Optional<SuggestedFix> fix(VisitorState state, StringBuilder why) {
    Optional<SuggestedFix.Builder> edits = edits(state, why);
    if (edits.isEmpty()) {
      return Optional.empty();
    }
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    ClassTree outermost = outermostClass(creation);
    if (outermost == null || outermost.getKind() != Tree.Kind.CLASS && outermost.getKind() != Tree.Kind.RECORD) {
      why.append("the shared timer would be a field of an interface or enum; declare one by hand");
      return Optional.empty();
    }
    SuggestedFix.Builder fix = edits.get();
    String timerType = Imports.use("java.util.Timer", fix, state);
    Optional<Symbol> existing = sharedField(outermost);
    if (existing.isPresent() && !isUtilTimer(existing.get(), state)) {
      why.append(SHARED_NAME + " is already a field of another type; share one timer by hand");
      return Optional.empty();
    }
    // Of several per-call timers in one file, the first that can be rewritten declares the field.
    if (existing.isEmpty() && isFirstFixable(unit, state)) {
      declareShared(outermost, timerType, fix, state);
    }
    return Optional.of(fix.build());
  }

  private Optional<SuggestedFix.Builder> edits(VisitorState state, StringBuilder why) {
    SuggestedFix.Builder fix = SuggestedFix.builder();
    if (local == null) {
      MethodInvocationTree call = (MethodInvocationTree) creation.getParentPath().getParentPath().getLeaf();
      if (!isOneShotSchedule(call, state)) {
        why.append("the new timer runs a repeating task; keep one timer for the class and cancel the task when done");
        return Optional.empty();
      }
      return Optional.of(fix.replace(creation.getLeaf(), SHARED_NAME));
    }
    TreePath scope = EnclosingCode.methodOrLambdaPath(creation);
    if (scope == null) {
      why.append("the timer is not made in a method");
      return Optional.empty();
    }
    List<TreePath> uses = SymbolUses.within(scope, local);
    MethodInvocationTree schedule = null;
    List<TreePath> needTask = new ArrayList<>();
    List<TreePath> removals = new ArrayList<>();
    for (TreePath use : uses) {
      Tree parent = use.getParentPath().getLeaf();
      Tree grandParent = use.getParentPath().getParentPath().getLeaf();
      if (parent instanceof MemberSelectTree && grandParent instanceof MethodInvocationTree) {
        MethodInvocationTree call = (MethodInvocationTree) grandParent;
        String name = ((MemberSelectTree) parent).getIdentifier().toString();
        if (name.equals("schedule") && schedule == null && isOneShotSchedule(call, state)) {
          schedule = call;
          fix.replace(use.getLeaf(), SHARED_NAME);
          continue;
        }
        if (name.startsWith("schedule") && !isOneShotSchedule(call, state)) {
          why.append("the timer runs a repeating task; keep one timer for the class and cancel the task when done");
          return Optional.empty();
        }
        if (name.equals("cancel") && call.getArguments().isEmpty()
            && use.getParentPath().getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree) {
          needTask.add(use);
          continue;
        }
      } else if (parent instanceof BinaryTree && isNullTest((BinaryTree) parent)) {
        needTask.add(use);
        continue;
      } else if (parent instanceof AssignmentTree
          && ((AssignmentTree) parent).getVariable() == use.getLeaf()
          && isCreationOrNull(((AssignmentTree) parent).getExpression())
          && use.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree) {
        removals.add(use.getParentPath().getParentPath());
        continue;
      }
      why.append(
          "the timer is used in a way the rewrite cannot follow (passed on, returned, scheduled more"
              + " than once); share one timer for the class by hand");
      return Optional.empty();
    }
    if (schedule == null) {
      why.append("the timer runs a repeating task, or none; keep one timer for the class by hand");
      return Optional.empty();
    }
    TreePath declaration = SymbolUses.declarationWithin(scope, local).orElse(null);
    if (declaration == null) {
      why.append("the timer's variable is declared elsewhere");
      return Optional.empty();
    }
    ExpressionTree initializer = ((VariableTree) declaration.getLeaf()).getInitializer();
    if (initializer != null && !isCreationOrNull(initializer)) {
      why.append("the timer's variable starts with another value");
      return Optional.empty();
    }
    removals.add(declaration);
    if (!needTask.isEmpty()) {
      ExpressionTree task = ASTHelpers.stripParentheses(schedule.getArguments().get(0));
      Symbol taskSymbol = task instanceof IdentifierTree ? ASTHelpers.getSymbol(task) : null;
      TreePath taskDeclaration = taskSymbol != null && taskSymbol.getKind() == ElementKind.LOCAL_VARIABLE ? SymbolUses.declarationWithin(scope, taskSymbol).orElse(null) : null;
      int declared = taskDeclaration == null ? Integer.MAX_VALUE : ASTHelpers.getStartPosition(taskDeclaration.getLeaf());
      boolean capturedByCode = needTask.stream().anyMatch(site -> insideLambdaOrClass(site, scope));
      if (taskDeclaration == null
          || !needTask.stream().allMatch(site -> encloses(taskDeclaration.getParentPath(), site)
              && ASTHelpers.getStartPosition(site.getLeaf()) > declared)
          || (capturedByCode && !SymbolUses.isFinalLocal(taskSymbol))) {
        why.append(
            "the code cancels or tests the timer where its task is not a local variable in scope"
                + " (or, in a lambda, not a final one); cancel the task instead of the timer, on one"
                + " timer for the class");
        return Optional.empty();
      }
      String taskName = taskSymbol.getSimpleName().toString();
      needTask.forEach(site -> fix.replace(site.getLeaf(), taskName));
    }
    for (TreePath removal : removals) {
      Optional<SuggestedFix> removed = StatementRemoval.removeStatement(removal, state);
      if (removed.isEmpty()) {
        why.append("the timer's statements cannot be removed cleanly here");
        return Optional.empty();
      }
      fix.merge(removed.get());
    }
    return Optional.of(fix);
  }

  /** {@code timer.schedule(task, delay)} or {@code (task, time)}: one run, not a repeating one. */
  private static boolean isOneShotSchedule(MethodInvocationTree call, VisitorState state) {
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null
        && method.getSimpleName().contentEquals("schedule")
        && method.getParameters().size() == 2
        && method.owner.getQualifiedName().contentEquals("java.util.Timer");
  }

  private boolean isCreationOrNull(ExpressionTree expression) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(expression);
    return stripped == creation.getLeaf() || stripped.getKind() == Tree.Kind.NULL_LITERAL;
  }

  private static boolean isNullTest(BinaryTree test) {
    return (test.getKind() == Tree.Kind.EQUAL_TO || test.getKind() == Tree.Kind.NOT_EQUAL_TO)
        && (test.getLeftOperand().getKind() == Tree.Kind.NULL_LITERAL
            || test.getRightOperand().getKind() == Tree.Kind.NULL_LITERAL);
  }

  /** Whether {@code site} is in a lambda or class inside {@code scope}, which may capture only final locals. */
  private static boolean insideLambdaOrClass(TreePath site, TreePath scope) {
    for (TreePath p = site.getParentPath(); p != null && p.getLeaf() != scope.getLeaf(); p = p.getParentPath()) {
      if (p.getLeaf() instanceof com.sun.source.tree.LambdaExpressionTree || p.getLeaf() instanceof ClassTree) {
        return true;
      }
    }
    return false;
  }

  private static boolean isUtilTimer(Symbol field, VisitorState state) {
    return field.type != null && field.type.tsym.getQualifiedName().contentEquals("java.util.Timer") && field.isStatic();
  }

  /** Whether {@code site} lies within the block (or other tree) at {@code scope}. */
  private static boolean encloses(TreePath scope, TreePath site) {
    return scope != null && SymbolUses.isWithin(site, scope.getLeaf());
  }

  private static ClassTree outermostClass(TreePath path) {
    ClassTree outermost = null;
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      if (p.getLeaf() instanceof ClassTree) {
        outermost = (ClassTree) p.getLeaf();
      }
    }
    return outermost;
  }

  /** A {@code static final java.util.Timer TIMEOUTS} of the class, from an earlier run. */
  private static Optional<Symbol> sharedField(ClassTree outermost) {
    for (Tree member : outermost.getMembers()) {
      if (member instanceof VariableTree && ((VariableTree) member).getName().contentEquals(SHARED_NAME)) {
        return Optional.ofNullable(ASTHelpers.getSymbol(member));
      }
    }
    return Optional.empty();
  }

  /** Whether this timer is the first in the file whose rewrite is possible: that one declares the field. */
  private boolean isFirstFixable(CompilationUnitTree unit, VisitorState state) {
    List<TreePath> creations = new ArrayList<>();
    new TreePathScanner<Void, Void>() {
      @Override
      public Void visitNewClass(NewClassTree tree, Void unused) {
        if (TimerPerIteration.isUtilTimer(tree, state)) {
          creations.add(getCurrentPath());
        }
        return super.visitNewClass(tree, null);
      }
    }.scan(unit, null);
    for (TreePath other : creations) {
      if (other.getLeaf() == creation.getLeaf()) {
        return true;
      }
      if (TimerPerIteration.isPerCallTimer(other)
          && of(other).flatMap(timer -> timer.edits(state, new StringBuilder())).isPresent()) {
        return false;
      }
    }
    return true;
  }

  private static void declareShared(ClassTree outermost, String timerType, SuggestedFix.Builder fix, VisitorState state) {
    String field =
        "private static final " + timerType + " " + SHARED_NAME + " = new " + timerType + "(\""
            + outermost.getSimpleName() + " timeouts\", true);";
    VariableTree lastField = null;
    for (Tree member : outermost.getMembers()) {
      if (member instanceof VariableTree) {
        lastField = (VariableTree) member;
      }
    }
    CharSequence source = state.getSourceCode();
    if (lastField != null) {
      String indent = Indentation.before(source, ASTHelpers.getStartPosition(lastField));
      fix.postfixWith(lastField, "\n" + (indent == null ? "  " : indent) + field);
      return;
    }
    int closing = state.getEndPosition(outermost) - 1;
    fix.replace(closing, closing, "  " + field + "\n");
  }
}
