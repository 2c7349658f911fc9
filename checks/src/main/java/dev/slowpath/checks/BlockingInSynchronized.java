package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.SUGGESTION;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.SynchronizedTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.fixes.SuggestedFix;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CaseTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;

/**
 * Flags a blocking call — a sleep, a join, a {@code Future.get}, a queue or latch wait, a stream
 * read — made while a {@code synchronized} monitor is held: every other thread that wants the
 * monitor waits for the whole call, and on JDK 21–23 a virtual thread that blocks there pins its
 * carrier. Where the code may run on those JDKs and the monitor is a private lock object, the fix
 * turns it into a {@code ReentrantLock}, which does not pin.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A blocking call while a monitor is held: every thread that wants the monitor waits for the"
            + " whole call, and on JDK 21-23 a virtual thread blocked here pins its carrier",
    severity = SUGGESTION,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "BlockingInSynchronized.md")
public final class BlockingInSynchronized extends BugChecker implements SynchronizedTreeMatcher, MethodTreeMatcher {
  private static final long serialVersionUID = 1L;

  /** JEP 491: from JDK 24 a virtual thread blocked in a {@code synchronized} region unmounts. */
  private static final int NO_PINNING_FROM = 24;

  private final ProfiledFindings profiled;

  public BlockingInSynchronized() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  BlockingInSynchronized(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.MONITOR_ENTER, Cost.PINNED);
  }

  @Override
  public Description matchSynchronized(SynchronizedTree tree, VisitorState state) {
    return profiled.report(findSynchronized(tree, state), state);
  }

  private Description findSynchronized(SynchronizedTree tree, VisitorState state) {
    return CriticalSection.ofBlock(tree, state)
        .map(section -> report(section, state))
        .orElse(Description.NO_MATCH);
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    return profiled.report(findMethod(tree, state), state);
  }

  private Description findMethod(MethodTree tree, VisitorState state) {
    return CriticalSection.ofMethod(tree).map(section -> report(section, state)).orElse(Description.NO_MATCH);
  }

  private Description report(CriticalSection section, VisitorState state) {
    List<HeldBlocking.Site> sites = HeldBlocking.in(section, state.getPath(), state);
    if (sites.isEmpty() || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    boolean mayPin = !JavaTarget.atLeast(state, NO_PINNING_FROM);
    Optional<MonitorToLock> rewrite = mayPin ? Optional.of(MonitorToLock.of(section, state)) : Optional.empty();
    // One finding per critical section and monitor, at its first blocking call; the others are
    // named in it. (The fix, one per lock, rides on the first call of the first such section.)
    HeldBlocking.Site site = sites.get(0);
    Description.Builder description =
        buildDescription(site.reportAt()).setMessage(message(section, sites, rewrite, state));
    rewrite
        .filter(r -> r.fix() != null && r.firstSite() == site.reportAt())
        .ifPresent(r -> description.addFix(r.fix()));
    return description.build();
  }

  private static String message(
      CriticalSection section, List<HeldBlocking.Site> sites, Optional<MonitorToLock> rewrite, VisitorState state) {
    HeldBlocking.Site site = sites.get(0);
    String monitor =
        section.kind() == CriticalSection.Kind.SYNCHRONIZED_METHOD
            ? (section.lock().equals("this") ? "The monitor of `this`" : "The class's monitor")
            : "The monitor of `" + section.lock() + "`";
    StringBuilder text = new StringBuilder(monitor).append(" is held across ").append(site.describe());
    if (sites.size() > 1) {
      text.append(" (and ").append(sites.size() - 1).append(" more blocking call").append(sites.size() > 2 ? "s" : "")
          .append(" in this section, line");
      String separator = sites.size() > 2 ? "s " : " ";
      for (HeldBlocking.Site other : sites.subList(1, sites.size())) {
        text.append(separator).append(lineOf(other.reportAt(), state));
        separator = ", ";
      }
      text.append(")");
    }
    text.append(": every other thread that wants it waits for the whole call. Move the call out of")
        .append(" the synchronized code, or wait on a condition instead of sleeping");
    if (rewrite.isEmpty()) {
      return text.append(". (Compiled for Java ")
          .append(NO_PINNING_FROM)
          .append("+, where a virtual thread blocked here no longer pins its carrier: JEP 491.)")
          .toString();
    }
    text.append(". On JDK 21-23 a virtual thread that blocks here also pins its carrier thread (JEP 491")
        .append(" ends that in JDK 24); a ReentrantLock does not pin");
    MonitorToLock lock = rewrite.get();
    if (lock.fix() == null) {
      return text.append(", but ").append(lock.whyNot()).append(": no automatic fix").toString();
    }
    if (lock.firstSite() == site.reportAt()) {
      return text.append(", and the fix turns `").append(section.lock()).append("` into one").toString();
    }
    return text.append(": the fix offered on line ")
        .append(lineOf(lock.firstSite(), state))
        .append(" turns `")
        .append(section.lock())
        .append("` into one")
        .toString();
  }

  private static long lineOf(Tree tree, VisitorState state) {
    return state.getPath().getCompilationUnit().getLineMap().getLineNumber(ASTHelpers.getStartPosition(tree));
  }

  /**
   * The monitor of a private lock object turned into a {@code ReentrantLock}: the field, every
   * {@code synchronized} region on it (as {@code lock(); try { … } finally { unlock(); }}) and
   * every {@code Thread.holdsLock} of it, in one fix so the file stays consistent. Or why not.
   *
   * @param fix the rewrite, or null
   * @param whyNot why there is no fix, when there is none
   * @param firstSite the first blocking call on this lock in the file: the finding that carries
   *     the fix (one fix per lock; the other findings on it point there)
   */
  record MonitorToLock(SuggestedFix fix, String whyNot, Tree firstSite) {
    private static final String REENTRANT_LOCK = "java.util.concurrent.locks.ReentrantLock";

    static MonitorToLock without(String whyNot) {
      return new MonitorToLock(null, whyNot, null);
    }

    static MonitorToLock of(CriticalSection section, VisitorState state) {
      if ("class".equals(section.lock()) || section.lock().endsWith(".class")) {
        return without("the monitor is a Class object, which any code can lock too");
      }
      if (section.kind() == CriticalSection.Kind.SYNCHRONIZED_METHOD || "this".equals(section.lock())) {
        return without("the monitor is `this`, which any code that holds a reference can lock too");
      }
      ExpressionTree lock = section.lockExpression();
      Symbol field = lock == null ? null : ASTHelpers.getSymbol(lock);
      if (field == null
          || field.getKind() != ElementKind.FIELD
          || !field.isPrivate()
          || (field.flags() & Flags.FINAL) == 0) {
        return without("the monitor is not a private final lock field of this class");
      }
      CompilationUnitTree unit = state.getPath().getCompilationUnit();
      Optional<TreePath> declarationPath = SymbolUses.declaration(unit, field);
      if (declarationPath.isEmpty()
          || !(declarationPath.get().getLeaf() instanceof VariableTree)
          || Fields.sharesItsDeclaration(declarationPath.get())
          || !isPlainObject(((VariableTree) declarationPath.get().getLeaf()).getInitializer(), state)) {
        return without("`" + section.lock() + "` is not declared as a plain `new Object()`");
      }
      if (Fields.isSerialized(field, state)) {
        return without("`" + section.lock() + "` is part of the class's serialized form");
      }
      List<TreePath> regions = new ArrayList<>();
      List<MethodInvocationTree> holdsLocks = new ArrayList<>();
      for (TreePath use : SymbolUses.in(unit, field)) {
        Optional<TreePath> taken = HeldBlocking.sectionTakenBy(use);
        if (taken.isPresent() && taken.get().getLeaf() instanceof SynchronizedTree) {
          regions.add(taken.get());
        } else if (isHoldsLockArgument(use, state)) {
          holdsLocks.add((MethodInvocationTree) use.getParentPath().getLeaf());
        } else {
          return without(
              "`" + section.lock() + "` is used for more than `synchronized` (wait/notify, or passed on)");
        }
      }
      Tree first = null;
      for (TreePath region : regions) {
        Optional<CriticalSection> held = CriticalSection.ofBlock((SynchronizedTree) region.getLeaf(), state);
        for (HeldBlocking.Site site : held.map(h -> HeldBlocking.in(h, region, state)).orElse(List.of())) {
          if (first == null || ASTHelpers.getStartPosition(site.reportAt()) < ASTHelpers.getStartPosition(first)) {
            first = site.reportAt();
          }
        }
      }
      SuggestedFix.Builder fix = SuggestedFix.builder();
      String type = Imports.use(REENTRANT_LOCK, fix, state);
      VariableTree declaration = (VariableTree) declarationPath.get().getLeaf();
      fix.replace(declaration.getType(), type).replace(declaration.getInitializer(), "new " + type + "()");
      for (TreePath region : regions) {
        if (!rewriteRegion(region, fix, state)) {
          return without("a `synchronized` statement on it is not laid out one statement to a line in a block");
        }
      }
      for (MethodInvocationTree holdsLock : holdsLocks) {
        fix.replace(
            holdsLock, state.getSourceForNode(ASTHelpers.stripParentheses(holdsLock.getArguments().get(0))) + ".isHeldByCurrentThread()");
      }
      return new MonitorToLock(fix.build(), null, first);
    }

    /** {@code new Object()}: a lock object with nothing else to it. */
    private static boolean isPlainObject(ExpressionTree initializer, VisitorState state) {
      if (!(initializer instanceof NewClassTree)) {
        return false;
      }
      NewClassTree created = (NewClassTree) initializer;
      Type type = ASTHelpers.getType(created);
      return created.getClassBody() == null
          && created.getArguments().isEmpty()
          && type != null
          && ASTHelpers.isSameType(type, state.getSymtab().objectType, state);
    }

    /** {@code Thread.holdsLock(lock)}: becomes {@code lock.isHeldByCurrentThread()}. */
    private static boolean isHoldsLockArgument(TreePath use, VisitorState state) {
      Tree parent = use.getParentPath().getLeaf();
      if (!(parent instanceof MethodInvocationTree)
          || ((MethodInvocationTree) parent).getArguments().size() != 1
          || ((MethodInvocationTree) parent).getArguments().get(0) != use.getLeaf()) {
        return false;
      }
      Symbol method = ASTHelpers.getSymbol(parent);
      return method != null
          && method.getSimpleName().contentEquals("holdsLock")
          && method.owner.getQualifiedName().contentEquals("java.lang.Thread");
    }

    /**
     * {@code synchronized (lock) {} → lock.lock(); try {} finally { lock.unlock(); }}: the opening
     * line and the closing brace are rewritten; the body keeps its lines. False when the region is
     * not a statement of a block (an {@code if} without braces) or shares its line with other code.
     */
    private static boolean rewriteRegion(TreePath region, SuggestedFix.Builder fix, VisitorState state) {
      SynchronizedTree block = (SynchronizedTree) region.getLeaf();
      Tree parent = region.getParentPath().getLeaf();
      CharSequence source = state.getSourceCode();
      int start = ASTHelpers.getStartPosition(block);
      int open = ASTHelpers.getStartPosition(block.getBlock());
      int close = state.getEndPosition(block.getBlock()) - 1;
      String lock = state.getSourceForNode(ASTHelpers.stripParentheses(block.getExpression()));
      if (!(parent instanceof BlockTree || parent instanceof CaseTree)
          || source == null
          || lock == null
          || start < 0
          || open <= start
          || close <= open
          || source.charAt(open) != '{'
          || source.charAt(close) != '}') {
        return false;
      }
      String indent = Indentation.before(source, start);
      if (indent == null) {
        return false;
      }
      fix.replace(start, open + 1, lock + ".lock();\n" + indent + "try {");
      if (Indentation.sameLine(source, open, close)) {
        fix.replace(close, close + 1, "} finally { " + lock + ".unlock(); }");
        return true;
      }
      String step = "  ";
      List<? extends StatementTree> body = block.getBlock().getStatements();
      if (!body.isEmpty()) {
        String inner = Indentation.before(source, ASTHelpers.getStartPosition(body.get(0)));
        if (inner != null && inner.startsWith(indent) && inner.length() > indent.length()) {
          step = inner.substring(indent.length());
        }
      }
      fix.replace(close, close + 1, "} finally {\n" + indent + step + lock + ".unlock();\n" + indent + "}");
      return true;
    }
  }
}
