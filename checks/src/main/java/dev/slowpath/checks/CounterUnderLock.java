package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.SynchronizedTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.fixes.SuggestedFixes;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.Modifier;
import javax.lang.model.type.TypeKind;

/**
 * Flags a lock taken only to bump a counter — a {@code synchronized} method or block, or a {@code
 * Lock}'s {@code lock()}…{@code unlock()}, whose whole critical section is {@code count++}, {@code
 * count += n} or the like on a field — and rewrites the field to a {@code LongAdder} or an atomic,
 * dropping the locking that only served it.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A lock taken only to bump a counter: every update pays for the monitor, and under"
            + " contention parks threads; a LongAdder or an atomic counts without a lock",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "CounterUnderLock.md")
public final class CounterUnderLock extends BugChecker
    implements MethodTreeMatcher, SynchronizedTreeMatcher, MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final String ARRAY_TEXT =
      ". The counter is an array slot: an AtomicLongArray (or one LongAdder per slot) counts"
          + " without the lock";

  private final ProfiledFindings profiled;

  public CounterUnderLock() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  CounterUnderLock(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.BEHIND_PROFILE, Cost.MONITOR_ENTER, Cost.LOCK_WAIT);
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    return profiled.report(findMethod(tree, state), state);
  }

  private Description findMethod(MethodTree tree, VisitorState state) {
    return CriticalSection.ofMethod(tree).map(section -> match(section, state)).orElse(Description.NO_MATCH);
  }

  @Override
  public Description matchSynchronized(SynchronizedTree tree, VisitorState state) {
    return profiled.report(findSynchronized(tree, state), state);
  }

  private Description findSynchronized(SynchronizedTree tree, VisitorState state) {
    return CriticalSection.ofBlock(tree, state).map(section -> match(section, state)).orElse(Description.NO_MATCH);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(tree, "lock")
        || !(state.getPath().getParentPath().getLeaf() instanceof ExpressionStatementTree)) {
      return Description.NO_MATCH;
    }
    return CriticalSection.ofLockStatement(state.getPath().getParentPath(), state)
        .map(section -> match(section, state))
        .orElse(Description.NO_MATCH);
  }

  private Description match(CriticalSection section, VisitorState state) {
    Optional<ExpressionTree> tally = section.onlyTally().or(() -> Counter.storedTally(section));
    if (tally.isEmpty()
        || NonProductionCode.contains(state)
        || HeldBlocking.lockAlsoHeldAcrossBlocking(section, state)) { // BlockingInSynchronized's lock
      return Description.NO_MATCH;
    }
    ExpressionTree variable = ASTHelpers.stripParentheses(Counter.variableOf(tally.get()));
    if (variable instanceof ArrayAccessTree) {
      return buildDescription(tally.get()).setMessage(message() + ARRAY_TEXT).build();
    }
    Symbol field = ASTHelpers.getSymbol(variable);
    if (field == null || field.getKind() != ElementKind.FIELD || Counter.fallsBackToLocking(state)) {
      return Description.NO_MATCH;
    }
    Counter.Verdict verdict = Counter.analyze(field, state);
    if (verdict.silent()) {
      return Description.NO_MATCH;
    }
    if (verdict.fix() == null) {
      return buildDescription(tally.get()).setMessage(message() + ". " + verdict.reason()).build();
    }
    return buildDescription(tally.get())
        .setMessage(message() + ". Fix: " + verdict.whatTheFixDoes())
        .addFix(verdict.fix())
        .build();
  }

  /** A counter field: how every use in this file reads or writes it, and the fix that follows. */
  private static final class Counter {
    private static final String LONG_ADDER = "java.util.concurrent.atomic.LongAdder";
    private static final String ATOMICS = "java.util.concurrent.atomic.";
    private static final Set<String> REFLECTION =
        Set.of("getDeclaredField", "getField", "newUpdater", "findVarHandle", "findStaticVarHandle", "objectFieldOffset");

    private Counter() {}

    /** Silent, a report with the reason it has no fix, or a fix. */
    record Verdict(boolean silent, String reason, SuggestedFix fix, String whatTheFixDoes) {
      static Verdict silence() {
        return new Verdict(true, null, null, null);
      }

      static Verdict report(String reason) {
        return new Verdict(false, reason, null, null);
      }

      static Verdict fixedBy(SuggestedFix fix, String whatTheFixDoes) {
        return new Verdict(false, null, fix, whatTheFixDoes);
      }
    }

    enum Access {
      TALLY,
      TALLY_VALUE,
      ASSIGN,
      READ
    }

    /** One use: the expression to rewrite, the statement it is, and how it accesses the field. */
    record Use(TreePath operation, StatementTree statement, Access access) {}

    /** The expression a statement evaluates and keeps or returns, parentheses stripped. */
    private static ExpressionTree expressionOf(StatementTree statement) {
      ExpressionTree expression =
          statement instanceof ExpressionStatementTree
              ? ((ExpressionStatementTree) statement).getExpression()
              : statement instanceof ReturnTree ? ((ReturnTree) statement).getExpression() : null;
      return expression == null ? null : ASTHelpers.stripParentheses(expression);
    }

    private static boolean isTally(Tree tree) {
      switch (tree.getKind()) {
        case PREFIX_INCREMENT:
        case POSTFIX_INCREMENT:
        case PREFIX_DECREMENT:
        case POSTFIX_DECREMENT:
        case PLUS_ASSIGNMENT:
        case MINUS_ASSIGNMENT:
          return true;
        default:
          return false;
      }
    }

    static ExpressionTree variableOf(ExpressionTree tally) {
      return tally instanceof UnaryTree
          ? ((UnaryTree) tally).getExpression()
          : ((CompoundAssignmentTree) tally).getVariable();
    }

    /**
     * A section written as the locking fallback of code that uses an atomic when it can ({@code
     * if (UPDATER != null) … else synchronized (this) { count++; }}): the lock is deliberate.
     */
    static boolean fallsBackToLocking(VisitorState state) {
      Tree child = state.getPath().getLeaf();
      for (TreePath p = state.getPath().getParentPath(); p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
        if (p.getLeaf() instanceof IfTree) {
          IfTree ifTree = (IfTree) p.getLeaf();
          Tree other = child == ifTree.getThenStatement() ? ifTree.getElseStatement() : ifTree.getThenStatement();
          if (other != null && TreeSearch.anyMatch(other, Counter::isAtomicMachinery)) {
            return true;
          }
        }
        child = p.getLeaf();
      }
      return false;
    }

    private static boolean isAtomicMachinery(Tree node) {
      if (!(node instanceof MethodInvocationTree)) {
        return false;
      }
      Symbol method = ASTHelpers.getSymbol(node);
      String owner = method == null ? "" : method.owner.getQualifiedName().toString();
      return owner.startsWith(ATOMICS) || owner.equals("java.lang.invoke.VarHandle") || owner.equals("sun.misc.Unsafe");
    }

    static Verdict analyze(Symbol field, VisitorState state) {
      CompilationUnitTree unit = state.getPath().getCompilationUnit();
      // Every section of this file that holds the counter, before anything else: a write beside
      // other work, or a read together with other state, means the lock guards more than the
      // counter (a decrement that decides a teardown, a snapshot) — public or private alike.
      List<Use> uses = new ArrayList<>();
      Map<Tree, CriticalSection> unlocked = new LinkedHashMap<>();
      boolean unrewritable = false;
      boolean storedSomewhere = false;
      for (TreePath usePath : SymbolUses.in(unit, field)) {
        Use use = classify(usePath);
        Optional<CriticalSection> section = CriticalSection.around(usePath, state);
        if (section.isPresent()) {
          CriticalSection held = section.get();
          boolean sole =
              held.statements().size() == 1
                  && (use == null || held.statements().get(0) == use.statement() || stores(held.statements().get(0), use));
          storedSomewhere |= sole && use != null && stores(held.statements().get(0), use);
          boolean read = use != null && use.access() == Access.READ;
          if (!read && !sole) {
            return Verdict.silence(); // the lock guards more than this counter
          }
          if (read && touchesOtherState(held, field)) {
            return Verdict.silence(); // a consistent snapshot with other fields
          }
          if (sole && use != null) {
            unlocked.putIfAbsent(held.first(), held);
          }
        }
        if (use == null) {
          unrewritable = true;
        } else {
          uses.add(use);
        }
      }
      TypeKind type = field.asType().getKind();
      if (type != TypeKind.INT && type != TypeKind.LONG) {
        return Verdict.report(
            type == TypeKind.DOUBLE || type == TypeKind.FLOAT
                ? "A DoubleAdder sums without the lock; the check rewrites only int and long counters"
                : "Only int and long counters are rewritten: make this one an atomic by hand");
      }
      if (!field.isPrivate()) {
        return Verdict.report(
            "The field is not private, so code outside this file may read or write it: make it a"
                + " LongAdder (counted far more than read) or an AtomicLong by hand");
      }
      Optional<TreePath> declarationPath = SymbolUses.declaration(unit, field);
      if (declarationPath.isEmpty() || !(declarationPath.get().getLeaf() instanceof VariableTree)) {
        return Verdict.silence();
      }
      VariableTree declaration = (VariableTree) declarationPath.get().getLeaf();
      if (Fields.isSerialized(field, state)) {
        return Verdict.report(
            "The field is serialized (its class is Serializable and the field is not transient):"
                + " an atomic would change the serial form, so there is no automatic fix");
      }
      if (isNamedInAString(field, unit)) {
        return Verdict.report(
            "The field's name appears in a string in this file (reflection or a field updater):"
                + " changing its type would break that, so there is no automatic fix");
      }
      if (!onlyGuardedByAnnotations(declaration) || Fields.sharesItsDeclaration(declarationPath.get())) {
        return Verdict.report("Its declaration carries more than the counter: rewrite it by hand");
      }
      if (unrewritable) {
        return Verdict.report("The field is also updated in a way the check does not rewrite: do it by hand");
      }
      if (storedSomewhere) {
        return Verdict.report(
            "The tally's value is kept (`id = count++`): an atomic's getAndIncrement() or incrementAndGet()"
                + " returns it without the lock; rewrite it by hand");
      }
      boolean adder =
          uses.stream().allMatch(u -> u.access() == Access.TALLY || (u.access() == Access.READ && isGetter(u)))
              && (declaration.getInitializer() == null || isZero(declaration.getInitializer()));
      for (Use use : uses) {
        if (!operandFits(use, type, adder)) {
          return Verdict.report("A tally adds a value the atomic cannot take without a cast: rewrite it by hand");
        }
      }
      if (state.getSourceForNode(declaration) == null
          || uses.stream().anyMatch(u -> state.getSourceForNode(u.operation().getLeaf()) == null)) {
        return Verdict.report("Part of this code has no source text (generated?): rewrite it by hand");
      }
      String counterType = adder ? "LongAdder" : type == TypeKind.INT ? "AtomicInteger" : "AtomicLong";
      return Verdict.fixedBy(
          fix(field, declaration, uses, unlocked.values(), adder, type, state),
          "`" + field.getSimpleName() + "` becomes a " + counterType + ", its uses in this file are rewritten,"
              + " and the locking that only guarded it goes");
    }

    /**
     * {@code id = count++;}, {@code n = ++seq;} as a section's only statement: a tally whose value
     * is kept in a local or a final field (one this object sets once). A value kept in a field
     * that changes ({@code last = ++seq}) is more state under the lock: the two must move together.
     * The tally, when the section is that.
     */
    static Optional<ExpressionTree> storedTally(CriticalSection section) {
      if (section.statements().size() != 1) {
        return Optional.empty();
      }
      ExpressionTree expression = expressionOf(section.statements().get(0));
      if (!(expression instanceof AssignmentTree) || !(section.statements().get(0) instanceof ExpressionStatementTree)) {
        return Optional.empty();
      }
      Symbol kept = ASTHelpers.getSymbol(((AssignmentTree) expression).getVariable());
      if (kept == null
          || !(kept.getKind() == ElementKind.LOCAL_VARIABLE
              || (kept.getKind() == ElementKind.FIELD && (kept.flags() & Flags.FINAL) != 0))) {
        return Optional.empty();
      }
      ExpressionTree value = ASTHelpers.stripParentheses(((AssignmentTree) expression).getExpression());
      return isTally(value) ? Optional.of(value) : Optional.empty();
    }

    /** {@code statement} is {@code x = <the use's tally>;}. */
    private static boolean stores(StatementTree statement, Use use) {
      ExpressionTree expression = expressionOf(statement);
      return use.access() == Access.TALLY_VALUE
          && expression instanceof AssignmentTree
          && ASTHelpers.stripParentheses(((AssignmentTree) expression).getExpression()) == use.operation().getLeaf();
    }

    /** How a use accesses the field, or null for a use the fix cannot rewrite ({@code count *= 2}). */
    private static Use classify(TreePath usePath) {
      TreePath parentPath = usePath.getParentPath();
      Tree parent = parentPath.getLeaf();
      Tree use = usePath.getLeaf();
      TreePath operation = usePath;
      Access access = Access.READ;
      if (parent instanceof UnaryTree && isTally(parent)) {
        operation = parentPath;
        access = Access.TALLY;
      } else if (parent instanceof CompoundAssignmentTree && ((CompoundAssignmentTree) parent).getVariable() == use) {
        if (!isTally(parent)) {
          return null;
        }
        operation = parentPath;
        access = Access.TALLY;
      } else if (parent instanceof AssignmentTree && ((AssignmentTree) parent).getVariable() == use) {
        operation = parentPath;
        access = Access.ASSIGN;
      } else if (parent instanceof UnaryTree || parent instanceof CompoundAssignmentTree) {
        return null;
      }
      TreePath statementPath = operation.getParentPath();
      while (statementPath.getLeaf() instanceof ParenthesizedTree) {
        statementPath = statementPath.getParentPath();
      }
      Tree holder = statementPath.getLeaf();
      boolean isStatement = holder instanceof ExpressionStatementTree;
      if (access == Access.ASSIGN && !isStatement) {
        return null; // x = count = 0: the value of an assignment is used
      }
      if (access == Access.TALLY && !isStatement) {
        access = Access.TALLY_VALUE;
      }
      StatementTree statement =
          holder instanceof StatementTree && expressionOf((StatementTree) holder) == operation.getLeaf()
              ? (StatementTree) holder
              : null;
      return new Use(operation, statement, access);
    }

    /** {@code return count;} as the whole body of a method: a getter. */
    private static boolean isGetter(Use use) {
      if (!(use.statement() instanceof ReturnTree)) {
        return false;
      }
      TreePath block = use.operation().getParentPath().getParentPath();
      Tree owner = block.getParentPath() == null ? null : block.getParentPath().getLeaf();
      return block.getLeaf() instanceof BlockTree
          && ((BlockTree) block.getLeaf()).getStatements().size() == 1
          && (owner instanceof MethodTree || owner instanceof SynchronizedTree || owner instanceof TryTree);
    }

    private static boolean isZero(ExpressionTree initializer) {
      Object value = ASTHelpers.constValue(initializer);
      return value instanceof Number && ((Number) value).longValue() == 0;
    }

    /** Another non-final field read or written in the section. */
    private static boolean touchesOtherState(CriticalSection section, Symbol field) {
      return section.mutableFieldsUsed().stream().anyMatch(other -> !other.equals(field));
    }

    /** An atomic's methods take the counter's own type: {@code int += long} needs the adder. */
    private static boolean operandFits(Use use, TypeKind fieldType, boolean adder) {
      if (!(use.operation().getLeaf() instanceof CompoundAssignmentTree)) {
        return true;
      }
      Type operand = ASTHelpers.getType(((CompoundAssignmentTree) use.operation().getLeaf()).getExpression());
      if (operand == null) {
        return false;
      }
      switch (operand.getKind()) {
        case INT:
        case SHORT:
        case BYTE:
        case CHAR:
          return true;
        case LONG:
          return adder || fieldType == TypeKind.LONG;
        default:
          return false;
      }
    }

    /**
     * The field's name passed as a string to reflection or a field updater in this file: {@code
     * getDeclaredField("count")}, {@code AtomicLongFieldUpdater.newUpdater(…, "count")}.
     */
    private static boolean isNamedInAString(Symbol field, CompilationUnitTree unit) {
      String name = field.getSimpleName().toString();
      return TreeSearch.anyMatch(
          unit,
          node ->
              node instanceof MethodInvocationTree
                  && REFLECTION.contains(MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect()).toString())
                  && ((MethodInvocationTree) node).getArguments().stream()
                      .anyMatch(a -> a instanceof LiteralTree && name.equals(((LiteralTree) a).getValue())));
    }

    private static boolean onlyGuardedByAnnotations(VariableTree declaration) {
      return declaration.getModifiers().getAnnotations().stream()
          .allMatch(a -> a.getAnnotationType().toString().endsWith("GuardedBy"));
    }

    private static SuggestedFix fix(
        Symbol field,
        VariableTree declaration,
        List<Use> uses,
        java.util.Collection<CriticalSection> unlocked,
        boolean adder,
        TypeKind type,
        VisitorState state) {
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String atomic =
          Imports.use(
              adder ? LONG_ADDER : type == TypeKind.INT ? ATOMICS + "AtomicInteger" : ATOMICS + "AtomicLong",
              fix,
              state);
      fix.replace(
          ASTHelpers.getStartPosition(declaration),
          declarationEnd(declaration, state),
          declarationText(field, declaration, atomic, adder, state));
      Set<Tree> rewritten = new HashSet<>();
      for (CriticalSection section : unlocked) {
        StatementTree statement = section.statements().get(0);
        Use use = uses.stream().filter(u -> u.statement() == statement).findFirst().orElse(null);
        if (use == null) {
          continue;
        }
        String text = (statement instanceof ReturnTree ? "return " : "") + rewrite(use, adder, type, state) + ";";
        if (section.kind() == CriticalSection.Kind.SYNCHRONIZED_METHOD) {
          SuggestedFixes.removeModifiers(section.first(), state, Modifier.SYNCHRONIZED).ifPresent(fix::merge);
          fix.replace(statement, text);
        } else {
          fix.replace(ASTHelpers.getStartPosition(section.first()), state.getEndPosition(section.last()), text);
        }
        rewritten.add(use.operation().getLeaf());
      }
      for (Use use : uses) {
        if (!rewritten.contains(use.operation().getLeaf())) {
          fix.replace(use.operation().getLeaf(), rewrite(use, adder, type, state));
        }
      }
      return fix.build();
    }

    /** Where the declaration ends: after its semicolon. */
    private static int declarationEnd(VariableTree declaration, VisitorState state) {
      int end = state.getEndPosition(declaration);
      CharSequence source = state.getSourceCode();
      int i = end;
      while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
        i++;
      }
      return end > 0 && source.charAt(end - 1) != ';' && i < source.length() && source.charAt(i) == ';' ? i + 1 : end;
    }

    /** {@code private final LongAdder hits = new LongAdder();}, keeping the other modifiers. */
    private static String declarationText(
        Symbol field, VariableTree declaration, String atomic, boolean adder, VisitorState state) {
      List<String> words = new ArrayList<>();
      Set<Modifier> flags = declaration.getModifiers().getFlags();
      for (Modifier modifier : List.of(Modifier.PUBLIC, Modifier.PROTECTED, Modifier.PRIVATE, Modifier.STATIC)) {
        if (flags.contains(modifier)) {
          words.add(modifier.toString());
        }
      }
      words.add("final");
      if (flags.contains(Modifier.TRANSIENT)) {
        words.add("transient");
      }
      String initial =
          adder || declaration.getInitializer() == null || isZero(declaration.getInitializer())
              ? ""
              : state.getSourceForNode(declaration.getInitializer());
      return String.join(" ", words) + " " + atomic + " " + field.getSimpleName() + " = new " + atomic + "(" + initial + ");";
    }

    /** The use, written against the adder or atomic. */
    private static String rewrite(Use use, boolean adder, TypeKind type, VisitorState state) {
      Tree operation = use.operation().getLeaf();
      switch (use.access()) {
        case READ:
          return state.getSourceForNode(operation) + (adder ? (type == TypeKind.INT ? ".intValue()" : ".sum()") : ".get()");
        case ASSIGN:
          AssignmentTree assignment = (AssignmentTree) operation;
          return state.getSourceForNode(assignment.getVariable()) + ".set(" + state.getSourceForNode(assignment.getExpression()) + ")";
        default:
          break;
      }
      String counter = state.getSourceForNode(variableOf((ExpressionTree) operation));
      boolean value = use.access() == Access.TALLY_VALUE;
      switch (operation.getKind()) {
        case PREFIX_INCREMENT:
          return counter + (adder ? ".increment()" : ".incrementAndGet()");
        case POSTFIX_INCREMENT:
          return counter + (adder ? ".increment()" : value ? ".getAndIncrement()" : ".incrementAndGet()");
        case PREFIX_DECREMENT:
          return counter + (adder ? ".decrement()" : ".decrementAndGet()");
        case POSTFIX_DECREMENT:
          return counter + (adder ? ".decrement()" : value ? ".getAndDecrement()" : ".decrementAndGet()");
        default:
          break;
      }
      ExpressionTree operand = ((CompoundAssignmentTree) operation).getExpression();
      String amount = state.getSourceForNode(operand);
      if (operation.getKind() == Tree.Kind.MINUS_ASSIGNMENT) {
        amount = operand instanceof IdentifierTree || operand instanceof LiteralTree ? "-" + amount : "-(" + amount + ")";
      }
      return counter + (adder ? ".add(" : ".addAndGet(") + amount + ")";
    }
  }
}
