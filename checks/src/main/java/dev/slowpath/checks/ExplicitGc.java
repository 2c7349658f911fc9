package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Matchers.anyOf;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MemberReferenceTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreeScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;

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
          instanceMethod().onExactClass("java.lang.Runtime").named("gc"),
          // MemoryMXBean.gc() is System.gc() under another name (sun.management.MemoryImpl.gc).
          instanceMethod().onDescendantOf("java.lang.management.MemoryMXBean").named("gc"));

  private static final Matcher<ExpressionTree> GET_RUNTIME =
      anyOf(
          staticMethod().onClass("java.lang.Runtime").named("getRuntime"),
          staticMethod().onClass("java.lang.management.ManagementFactory").named("getMemoryMXBean"));

  private static final String NO_FIX_HINT =
      ". Remove the task that only requests a collection; bound memory with -Xmx or"
          + " -XX:SoftMaxHeapSize instead.";

  private static final String WAITING_LOOP_HINT =
      ". This loop waits for the collection (its exit reads something a collection changes:"
          + " a reference, memory or GC statistics, shared state), so deleting the call could leave"
          + " it spinning. If the loop only forces a collection, remove the loop; if it must wait,"
          + " keep it and suppress with the reason.";

  /** Calls that fail while an unreachable mapped buffer still holds the file (on Windows). */
  private static final Set<String> FILE_OPERATIONS =
      Set.of(
          "delete", "deleteIfExists", "renameTo", "move", "truncate", "map", "setLength", "createFile",
          "createNewFile", "createDirectory", "createDirectories", "mkdir", "mkdirs", "newOutputStream",
          "newInputStream", "newByteChannel", "open", "lock", "tryLock", "write", "force");

  private static final List<String> FILE_TYPES =
      List.of(
          "java.io.File", "java.nio.file.Files", "java.nio.file.Path", "java.nio.channels.FileChannel",
          "java.io.RandomAccessFile", "java.nio.MappedByteBuffer", "java.nio.file.spi.FileSystemProvider");

  private static final Set<String> FILE_STREAMS =
      Set.of(
          "java.io.FileInputStream", "java.io.FileOutputStream", "java.io.RandomAccessFile",
          "java.io.FileReader", "java.io.FileWriter");

  private final ProfiledFindings profiled;

  public ExplicitGc() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  ExplicitGc(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.SYSTEM_GC);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (!MethodNames.isNoArgCallNamed(tree, "gc")
        || !EXPLICIT_GC.matches(tree, state)
        || isExempt(state)) {
      return Description.NO_MATCH;
    }
    if (!receiverHasNoEffect(tree, state)) {
      return buildDescription(tree)
          .setMessage(message() + ". Keep what the receiver expression does, and drop the gc() call.")
          .build();
    }
    if (!loopsEndWithoutCollections(state)) {
      return buildDescription(tree).setMessage(message() + WAITING_LOOP_HINT).build();
    }
    return StatementRemoval.removeEnclosingStatement(state)
        .map(
            fix ->
                buildDescription(tree)
                    .setMessage(
                        message() + ". Fix: delete the gc() call"
                            + StatementRemoval.alsoRemoved(state.getPath().getParentPath(), state))
                    .addFix(fix)
                    .build())
        .orElseGet(() -> buildDescription(tree).setMessage(message() + NO_FIX_HINT).build());
  }

  /**
   * Deleting {@code x.gc()} also deletes the evaluation of {@code x}: fine for {@code System},
   * {@code Runtime.getRuntime()}, {@code ManagementFactory.getMemoryMXBean()} or a variable, not
   * for a call that may do something else.
   */
  private static boolean receiverHasNoEffect(MethodInvocationTree tree, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(tree);
    return receiver == null
        || !(ASTHelpers.stripParentheses(receiver) instanceof MethodInvocationTree)
        || GET_RUNTIME.matches(receiver, state);
  }

  @Override
  public Description matchMemberReference(MemberReferenceTree tree, VisitorState state) {
    return profiled.report(findMemberReference(tree, state), state);
  }

  private Description findMemberReference(MemberReferenceTree tree, VisitorState state) {
    if (!MethodNames.isReferenceNamed(tree, "gc")
        || !EXPLICIT_GC.matches(tree, state)
        || isExempt(state)) {
      return Description.NO_MATCH;
    }
    return buildDescription(tree).setMessage(message() + NO_FIX_HINT).build();
  }

  private static boolean isExempt(VisitorState state) {
    return NonProductionCode.contains(state)
        || isOutOfMemoryRecovery(state)
        || isFileOperationRetry(state);
  }

  /**
   * Whether every way out of the loops around the call is decided by values a collection cannot
   * change. A collection changes what references and reference queues return, memory and GC
   * statistics, and whatever finalizers and cleaners write — so a decider that calls a method,
   * allocates, or reads a non-final field or an array element may wait for it, and so may a local
   * that the loop assigns from such a value. Locals, parameters, constants and {@code .length}
   * are safe: {@code for (int i = 0; i < n; i++)} ends whether or not anything is collected.
   */
  private static boolean loopsEndWithoutCollections(VisitorState state) {
    for (TreePath loop : Loops.enclosing(state.getPath())) {
      Set<Symbol> assignedFromShared = localsAssignedFromShared(loop.getLeaf());
      for (Tree decider : Loops.exitDeciders(loop)) {
        if (TreeSearch.anyMatch(decider, node -> readsShared(node) || readsAny(node, assignedFromShared))) {
          return false;
        }
      }
    }
    return true;
  }

  /** A call, an allocation, an array element, or a field that is not final. */
  private static boolean readsShared(Tree node) {
    switch (node.getKind()) {
      case METHOD_INVOCATION:
      case NEW_CLASS:
      case ARRAY_ACCESS:
        return true;
      case IDENTIFIER:
      case MEMBER_SELECT:
        Symbol symbol = ASTHelpers.getSymbol(node);
        if (symbol == null) {
          return false;
        }
        return symbol.getKind() == ElementKind.EXCEPTION_PARAMETER
            || (symbol.getKind() == ElementKind.FIELD && (symbol.flags() & Flags.FINAL) == 0);
      default:
        return false;
    }
  }

  private static boolean readsAny(Tree node, Set<Symbol> locals) {
    return node instanceof IdentifierTree && locals.contains(ASTHelpers.getSymbol(node));
  }

  /** Locals that {@code loop} assigns, directly or through other locals, from shared state. */
  private static Set<Symbol> localsAssignedFromShared(Tree loop) {
    Map<Symbol, List<Tree>> sources = new HashMap<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree tree, Void unused) {
        if (tree.getInitializer() != null) {
          record(ASTHelpers.getSymbol(tree), tree.getInitializer());
        }
        return super.visitVariable(tree, null);
      }

      @Override
      public Void visitEnhancedForLoop(EnhancedForLoopTree tree, Void unused) {
        record(ASTHelpers.getSymbol(tree.getVariable()), tree.getExpression());
        return super.visitEnhancedForLoop(tree, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        record(ASTHelpers.getSymbol(tree.getVariable()), tree.getExpression());
        return super.visitAssignment(tree, null);
      }

      @Override
      public Void visitCompoundAssignment(CompoundAssignmentTree tree, Void unused) {
        record(ASTHelpers.getSymbol(tree.getVariable()), tree.getExpression());
        return super.visitCompoundAssignment(tree, null);
      }

      private void record(Symbol symbol, Tree source) {
        if (symbol != null && symbol.getKind() == ElementKind.LOCAL_VARIABLE) {
          sources.computeIfAbsent(symbol, s -> new ArrayList<>()).add(source);
        }
      }
    }.scan(loop, null);
    Set<Symbol> shared = new HashSet<>();
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Map.Entry<Symbol, List<Tree>> local : sources.entrySet()) {
        if (!shared.contains(local.getKey())
            && local.getValue().stream()
                .anyMatch(s -> TreeSearch.anyMatch(s, n -> readsShared(n) || readsAny(n, shared)))) {
          shared.add(local.getKey());
          grew = true;
        }
      }
    }
    return shared;
  }

  /**
   * A collection requested after a file operation failed, before it is retried. On Windows a file
   * cannot be deleted, renamed or truncated while a {@code MappedByteBuffer} maps it, and an
   * unreachable buffer is unmapped only when a collection frees it (JDK-4724038): Ant's {@code
   * FileUtils.tryHardToDelete}, Plexus's {@code FileUtils.deleteFile} and H2's file store collect
   * on purpose there. Like recovery from {@code OutOfMemoryError}, it runs once per failure. Also
   * a helper whose every call in this file is such a place (H2's {@code FilePathDisk.wait}).
   */
  private static boolean isFileOperationRetry(VisitorState state) {
    if (followsFailedFileOperation(state.getPath(), state)) {
      return true;
    }
    MethodTree method = EnclosingCode.method(state.getPath());
    Symbol helper = method == null ? null : ASTHelpers.getSymbol(method);
    if (helper == null) {
      return false;
    }
    List<TreePath> calls = SymbolUses.in(state.getPath().getCompilationUnit(), helper);
    return !calls.isEmpty() && calls.stream().allMatch(call -> followsFailedFileOperation(call, state));
  }

  /**
   * In a {@code catch} of a {@code try} that does a file operation, in a branch of an {@code if}
   * whose condition does one ({@code if (!file.delete())}), or in a loop whose exit depends on
   * one (it retries until the operation succeeds).
   */
  private static boolean followsFailedFileOperation(TreePath path, VisitorState state) {
    Tree child = path.getLeaf();
    for (TreePath p = path.getParentPath(); p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof TryTree
          && child instanceof CatchTree
          && doesFileOperation(((TryTree) leaf).getBlock(), state)) {
        return true;
      }
      if (leaf instanceof IfTree
          && child != ((IfTree) leaf).getCondition()
          && doesFileOperation(((IfTree) leaf).getCondition(), state)) {
        return true;
      }
      // A loop that ends when the operation succeeds: a retry. (A loop that writes a file per
      // pass and collects after each is routine work, not a retry.)
      if (Loops.isLoop(leaf)) {
        Set<Symbol> results = localsHoldingFileOperations(leaf, state);
        if (Loops.exitDeciders(p).stream()
            .anyMatch(decider -> doesFileOperation(decider, state) || TreeSearch.anyMatch(decider, n -> readsAny(n, results)))) {
          return true;
        }
      }
      child = leaf;
    }
    return false;
  }

  /** Locals the loop sets from a file operation: {@code boolean ok = file.delete(); if (ok) return;}. */
  private static Set<Symbol> localsHoldingFileOperations(Tree loop, VisitorState state) {
    Set<Symbol> locals = new HashSet<>();
    new TreeScanner<Void, Void>() {
      @Override
      public Void visitVariable(VariableTree tree, Void unused) {
        if (tree.getInitializer() != null && doesFileOperation(tree.getInitializer(), state)) {
          locals.add(ASTHelpers.getSymbol(tree));
        }
        return super.visitVariable(tree, null);
      }

      @Override
      public Void visitAssignment(AssignmentTree tree, Void unused) {
        Symbol assigned = ASTHelpers.getSymbol(tree.getVariable());
        if (assigned != null
            && assigned.getKind() == ElementKind.LOCAL_VARIABLE
            && doesFileOperation(tree.getExpression(), state)) {
          locals.add(assigned);
        }
        return super.visitAssignment(tree, null);
      }
    }.scan(loop, null);
    locals.remove(null);
    return locals;
  }

  private static boolean doesFileOperation(Tree tree, VisitorState state) {
    return TreeSearch.anyMatch(tree, node -> isFileOperation(node, state));
  }

  private static boolean isFileOperation(Tree node, VisitorState state) {
    if (node instanceof NewClassTree) {
      Symbol type = ASTHelpers.getSymbol(((NewClassTree) node).getIdentifier());
      return type != null && FILE_STREAMS.contains(type.getQualifiedName().toString());
    }
    if (!(node instanceof MethodInvocationTree)
        || !FILE_OPERATIONS.contains(
            MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect()).toString())) {
      return false;
    }
    Symbol method = ASTHelpers.getSymbol(node);
    if (method == null) {
      return false;
    }
    for (String fileType : FILE_TYPES) {
      Type type = state.getTypeFromString(fileType);
      if (type != null && ASTHelpers.isSubtype(method.owner.type, type, state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A collection requested after an {@code OutOfMemoryError} is a last resort before retrying, as
   * {@code java.nio.Bits.reserveMemory} does for direct memory: no routine path, no finding.
   */
  private static boolean isOutOfMemoryRecovery(VisitorState state) {
    Type outOfMemory = state.getTypeFromString("java.lang.OutOfMemoryError");
    for (Tree enclosing : state.getPath()) {
      if (EnclosingCode.isBoundary(enclosing)) {
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
      return List.of();
    }
    if (type.isUnion()) {
      return ((Type.UnionClassType) type).getAlternativeTypes();
    }
    return List.of(type);
  }
}
