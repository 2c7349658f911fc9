package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;

/**
 * Flags a {@code finalize()} that releases a resource. The release waits for a GC to find the
 * object unreachable and for the one finalizer thread to get to it, and every instance costs a
 * {@code java.lang.ref.Finalizer} at allocation and an extra GC cycle to die. The fix makes the
 * release explicit ({@code close()}) and keeps a {@code java.lang.ref.Cleaner} as the safety net.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A finalize() that releases a resource: the release waits for a GC and the finalizer"
            + " thread, and every instance is registered at allocation and survives an extra GC",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "FinalizerAsClose.md")
public final class FinalizerAsClose extends BugChecker implements MethodTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Supplier<Name> FINALIZE = VisitorState.memoize(state -> state.getName("finalize"));

  /** Calls that release something; {@code free…} too. */
  private static final Set<String> RELEASES =
      Set.of(
          "close", "closeQuietly", "shutdown", "shutdownNow", "disconnect", "dispose", "release", "destroy", "stop",
          "terminate", "end");

  private static final String TEXT =
      "This finalize() releases a resource. It runs only after a GC has found the object"
          + " unreachable, on the one Finalizer thread, behind every other finalizer; and each"
          + " instance is registered with java.lang.ref.Finalizer when it is allocated and survives"
          + " one more GC cycle. Release it explicitly (close(), try-with-resources) and keep at most"
          + " a java.lang.ref.Cleaner as the safety net";

  private final ProfiledFindings profiled;

  public FinalizerAsClose() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  FinalizerAsClose(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS).withFinalizers();
  }

  @Override
  public Description matchMethod(MethodTree tree, VisitorState state) {
    return profiled.report(findMethod(tree, state), state);
  }

  private Description findMethod(MethodTree tree, VisitorState state) {
    if (tree.getName() != FINALIZE.get(state) || !tree.getParameters().isEmpty() || tree.getBody() == null) {
      return Description.NO_MATCH;
    }
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(tree);
    if (method == null || method.isStatic() || !isVoid(method)) {
      return Description.NO_MATCH;
    }
    List<StatementTree> work = Finalizers.ownWork(tree.getBody());
    if (!releasesSomething(work, state) || NonProductionCode.contains(state)) {
      return Description.NO_MATCH;
    }
    StringBuilder why = new StringBuilder();
    Optional<SuggestedFix> fix = CleanerFix.of(tree, work, state, why);
    String message =
        TEXT
            + (fix.isPresent()
                ? ". Fix: the release moves into close() (the class becomes AutoCloseable if it was not),"
                    + " finalize() is deleted, and a Cleaner that holds only the resources releases them if"
                    + " close() is never called"
                : ". No fix is offered here: " + why);
    Description.Builder description = buildDescription(tree).setMessage(message);
    fix.ifPresent(description::addFix);
    return description.build();
  }

  private static boolean isVoid(Symbol.MethodSymbol method) {
    Type returned = method.getReturnType();
    return returned != null && returned.getKind() == javax.lang.model.type.TypeKind.VOID;
  }

  private static boolean isJdkMethod(Symbol method) {
    Symbol.ClassSymbol owner = method.enclClass();
    String name = owner == null ? "" : owner.getQualifiedName().toString();
    return name.startsWith("java.") || name.startsWith("javax.") || name.startsWith("jdk.") || name.startsWith("sun.");
  }

  /**
   * A call that releases: by its name ({@code close}, {@code shutdown}, {@code stop}, {@code free…}
   * and the like), or a method of this file whose own body makes such a call ({@code finalize() {
   * cleanup(); }}), one level down.
   */
  private static boolean releasesSomething(List<? extends StatementTree> work, VisitorState state) {
    return releasesSomething(work, state, 1);
  }

  private static boolean releasesSomething(List<? extends StatementTree> work, VisitorState state, int hops) {
    return work.stream()
        .anyMatch(statement -> TreeSearch.anyMatch(
            statement,
            node -> {
              if (!(node instanceof MethodInvocationTree)) {
                return false;
              }
              String name = MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect()).toString();
              if (RELEASES.contains(name) || name.startsWith("free") || name.startsWith("close")) {
                return true;
              }
              Symbol called = ASTHelpers.getSymbol(node);
              if (called != null && (called.flags() & Flags.NATIVE) != 0 && !isJdkMethod(called)) {
                // A native method of the library's own, run on the way out, gives back what its
                // native code holds; the JDK's (getClass, identityHashCode, nanoTime) only read.
                return true;
              }
              if (name.equals("finalize") && ASTHelpers.getReceiver((MethodInvocationTree) node) != null
                  && !"super".equals(String.valueOf(ASTHelpers.getReceiver((MethodInvocationTree) node)))) {
                return true; // another object's finalizer, run from this one: its release, by delegation
              }
              if (hops == 0) {
                return false;
              }
              Symbol helper = called;
              return helper != null
                  && SymbolUses.declaration(state.getPath().getCompilationUnit(), helper)
                      .map(TreePath::getLeaf)
                      .filter(MethodTree.class::isInstance)
                      .map(declaration -> ((MethodTree) declaration).getBody())
                      .filter(body -> releasesSomething(body.getStatements(), state, hops - 1))
                      .isPresent();
            }));
  }
}
