package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;
import static com.google.errorprone.matchers.Matchers.instanceMethod;
import static com.google.errorprone.matchers.Matchers.staticMethod;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.fixes.SuggestedFixes;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.matchers.Matcher;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.FindIdentifiers;
import com.sun.source.tree.ArrayAccessTree;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.CatchTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;

/**
 * Flags a whole stack trace taken to read one frame of it, usually "who called me":
 * {@code Thread.currentThread().getStackTrace()[k]} or {@code new Throwable().getStackTrace()[k]}.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "getStackTrace() walks and symbolizes every frame of the stack to read one of them;"
            + " StackWalker stops at the frame you need",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "StackTraceForCaller.md")
public final class StackTraceForCaller extends BugChecker implements MethodInvocationTreeMatcher {
  private static final long serialVersionUID = 1L;

  private static final Matcher<ExpressionTree> CURRENT_THREAD =
      staticMethod().onClass("java.lang.Thread").named("currentThread");
  private static final Matcher<ExpressionTree> THREAD_TRACE =
      instanceMethod().onExactClass("java.lang.Thread").named("getStackTrace");
  private static final Matcher<ExpressionTree> THROWABLE_TRACE =
      instanceMethod().onDescendantOf("java.lang.Throwable").named("getStackTrace");
  private static final Matcher<ExpressionTree> PRINT_TRACE =
      instanceMethod().onDescendantOf("java.lang.Throwable").named("printStackTrace");

  /** What reads printed text piece by piece, to search it rather than show it. */
  private static final Set<String> TEXT_SEARCHES =
      Set.of(
          "indexOf", "lastIndexOf", "charAt", "substring", "split", "lines", "startsWith", "endsWith",
          "contains", "regionMatches", "matches", "readLine");
  private static final Set<String> TEXT_READERS =
      Set.of("java.util.StringTokenizer", "java.io.StringReader", "java.util.Scanner");

  /** JDK throwables whose constructors the JVM leaves out of the trace they fill in. */
  private static final Set<String> FRESH_THROWABLES =
      Set.of("java.lang.Throwable", "java.lang.Exception", "java.lang.RuntimeException");

  /** The {@code StackTraceElement} getters that {@code StackWalker.StackFrame} has too. */
  private static final Set<String> SHARED_GETTERS =
      Set.of("getClassName", "getMethodName", "getLineNumber", "getFileName");

  private final ProfiledFindings profiled;

  public StackTraceForCaller() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  StackTraceForCaller(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.ALWAYS, Cost.STACK_TRACE_ALLOCATION);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    if (tree.getArguments().size() == 1
        && "printStackTrace".contentEquals(MethodNames.simpleName(tree.getMethodSelect()))) {
      return matchPrintedTrace(tree, state);
    }
    if (!MethodNames.isNoArgCallNamed(tree, "getStackTrace")) {
      return Description.NO_MATCH;
    }
    Optional<TraceSource> source = traceSource(tree, state);
    // Before Java 9 there is no StackWalker: nothing better to offer, so no finding.
    if (source.isEmpty()
        || !JavaTarget.atLeast(state, 9)
        || NonProductionCode.contains(state)
        || isInCatchBlock(state)
        || OneTimeCode.inStaticInitializer(state.getPath())) { // once per class: its cost is paid once
      return Description.NO_MATCH;
    }
    TreePath parent = state.getPath().getParentPath();
    if (parent.getLeaf() instanceof ArrayAccessTree
        && ((ArrayAccessTree) parent.getLeaf()).getExpression() == tree) {
      return matchIndexedFrame(parent, source.get(), state);
    }
    if (parent.getLeaf() instanceof VariableTree && isReadFrameByFrame(parent, state)) {
      return buildDescription(tree)
          .setMessage(
              message()
                  + ". To find a caller, walk only as far as needed: StackWalker.getInstance()"
                  + ".walk(frames -> frames.skip(n).findFirst())")
          .build();
    }
    return Description.NO_MATCH;
  }

  /**
   * {@code new Throwable().printStackTrace(writer)} whose text the method then searches — the
   * slowest way to find a caller: every frame is resolved and formatted as text, then parsed back.
   * Reported without a fix: how the parse picks its frame ("the first line after the logger's
   * class") is a search, not an index that maps to {@code skip(n)}.
   */
  private Description matchPrintedTrace(MethodInvocationTree tree, VisitorState state) {
    if (!PRINT_TRACE.matches(tree, state) || !(tree.getMethodSelect() instanceof MemberSelectTree)) {
      return Description.NO_MATCH;
    }
    ExpressionTree receiver =
        ASTHelpers.stripParentheses(((MemberSelectTree) tree.getMethodSelect()).getExpression());
    boolean fresh =
        isFreshThrowable(receiver)
            || (receiver instanceof IdentifierTree && isLocalFreshThrowable((IdentifierTree) receiver, state));
    if (!fresh
        || !JavaTarget.atLeast(state, 9)
        || NonProductionCode.contains(state)
        || isInCatchBlock(state)
        || OneTimeCode.inStaticInitializer(state.getPath())
        || !isTextSearched(tree.getArguments().get(0), state)) {
      return Description.NO_MATCH;
    }
    return buildDescription(tree)
        .setMessage(
            "printStackTrace() of a fresh throwable formats every frame of the stack as text, which"
                + " this method then searches for a caller: slower still than getStackTrace()."
                + " Walk only as far as needed: StackWalker.getInstance().walk(frames -> frames"
                + ".dropWhile(f -> !f.getClassName().equals(LOGGER)).dropWhile(f -> f.getClassName()"
                + ".equals(LOGGER)).findFirst())")
        .build();
  }

  /**
   * Whether the text printed into {@code target} (a {@code PrintWriter} over a {@code
   * StringWriter}, a {@code PrintStream} over a byte stream) is searched in the same method: a
   * local connected to the target by assignments is read with {@code indexOf}, {@code charAt},
   * {@code split}, {@code readLine}, … or handed to a tokenizer. Text that is only returned,
   * logged or printed is a dump, which the check leaves alone.
   */
  private static boolean isTextSearched(ExpressionTree target, VisitorState state) {
    Tree scope = EnclosingCode.methodOrLambda(state.getPath());
    if (scope == null) {
      return false;
    }
    Set<Symbol> text = localsConnectedTo(target, scope);
    return !text.isEmpty()
        && TreeSearch.anyMatch(
            scope,
            node -> {
              if (node instanceof MethodInvocationTree) {
                MethodInvocationTree call = (MethodInvocationTree) node;
                return TEXT_SEARCHES.contains(MethodNames.simpleName(call.getMethodSelect()).toString())
                    && ASTHelpers.getReceiver(call) != null
                    && mentions(ASTHelpers.getReceiver(call), text);
              }
              if (node instanceof NewClassTree) {
                Symbol type = ASTHelpers.getSymbol(((NewClassTree) node).getIdentifier());
                return type != null
                    && TEXT_READERS.contains(type.getQualifiedName().toString())
                    && ((NewClassTree) node).getArguments().stream().anyMatch(a -> mentions(a, text));
              }
              return false;
            });
  }

  /** The locals in {@code target}, and those linked to them by an initializer or assignment. */
  private static Set<Symbol> localsConnectedTo(ExpressionTree target, Tree scope) {
    List<Map.Entry<Symbol, Tree>> links = new ArrayList<>();
    TreeSearch.anyMatch(
        scope,
        node -> {
          Symbol declared = node instanceof VariableTree ? ASTHelpers.getSymbol(node) : null;
          if (declared != null && ((VariableTree) node).getInitializer() != null) {
            links.add(Map.entry(declared, ((VariableTree) node).getInitializer()));
          } else if (node instanceof AssignmentTree) {
            Symbol assigned = ASTHelpers.getSymbol(((AssignmentTree) node).getVariable());
            if (assigned != null) {
              links.add(Map.entry(assigned, ((AssignmentTree) node).getExpression()));
            }
          }
          return false;
        });
    Set<Symbol> text = new HashSet<>(localsIn(target));
    boolean grew = true;
    while (grew) {
      grew = false;
      for (Map.Entry<Symbol, Tree> link : links) {
        Set<Symbol> source = localsIn(link.getValue());
        boolean connected = text.contains(link.getKey()) || source.stream().anyMatch(text::contains);
        if (connected && (text.add(link.getKey()) | text.addAll(source))) {
          grew = true;
        }
      }
    }
    return text;
  }

  private static Set<Symbol> localsIn(Tree tree) {
    Set<Symbol> locals = new HashSet<>();
    TreeSearch.anyMatch(
        tree,
        node -> {
          Symbol symbol = node instanceof IdentifierTree ? ASTHelpers.getSymbol(node) : null;
          if (symbol != null && symbol.getKind() == ElementKind.LOCAL_VARIABLE) {
            locals.add(symbol);
          }
          return false;
        });
    return locals;
  }

  private static boolean mentions(Tree tree, Set<Symbol> locals) {
    return TreeSearch.anyMatch(
        tree, node -> node instanceof IdentifierTree && locals.contains(ASTHelpers.getSymbol(node)));
  }

  /**
   * Where a trace comes from. {@code ownFrame} is the index of the current method's frame:
   * {@code Thread.getStackTrace} puts its own frame first (it fills a new exception inside itself),
   * a fresh throwable starts at the method that created it (the JVM skips the constructors'
   * frames). A throwable first stored in a local ({@code Throwable t = new Throwable();
   * t.getStackTrace()}) is reported, never rewritten: the fix would leave the local behind.
   */
  private record TraceSource(int ownFrame, boolean fixable) {}

  private static Optional<TraceSource> traceSource(MethodInvocationTree tree, VisitorState state) {
    if (!(tree.getMethodSelect() instanceof MemberSelectTree)) {
      return Optional.empty();
    }
    ExpressionTree receiver =
        ASTHelpers.stripParentheses(((MemberSelectTree) tree.getMethodSelect()).getExpression());
    if (receiver instanceof MethodInvocationTree
        && CURRENT_THREAD.matches(receiver, state)
        && THREAD_TRACE.matches(tree, state)) {
      return Optional.of(new TraceSource(1, true));
    }
    if (!THROWABLE_TRACE.matches(tree, state)) {
      return Optional.empty();
    }
    if (isFreshThrowable(receiver)) {
      return Optional.of(new TraceSource(0, true));
    }
    if (receiver instanceof IdentifierTree && isLocalFreshThrowable((IdentifierTree) receiver, state)) {
      return Optional.of(new TraceSource(0, false));
    }
    return Optional.empty();
  }

  private static boolean isFreshThrowable(ExpressionTree expression) {
    if (!(expression instanceof NewClassTree) || ((NewClassTree) expression).getClassBody() != null) {
      return false;
    }
    Symbol type = ASTHelpers.getSymbol(((NewClassTree) expression).getIdentifier());
    return type != null && FRESH_THROWABLES.contains(type.getQualifiedName().toString());
  }

  /** A local of the same method (not a lambda or inner class) initialized with a fresh throwable. */
  private static boolean isLocalFreshThrowable(IdentifierTree receiver, VisitorState state) {
    Symbol local = ASTHelpers.getSymbol(receiver);
    if (local == null || local.getKind() != ElementKind.LOCAL_VARIABLE) {
      return false;
    }
    MethodTree method = EnclosingCode.method(state.getPath());
    if (method == null || method.getBody() == null) {
      return false;
    }
    return TreeSearch.anyMatch(
        method.getBody(),
        node ->
            node instanceof VariableTree
                && local.equals(ASTHelpers.getSymbol(node))
                && isFreshThrowable(((VariableTree) node).getInitializer()));
  }

  private Description matchIndexedFrame(TreePath access, TraceSource source, VisitorState state) {
    ArrayAccessTree frame = (ArrayAccessTree) access.getLeaf();
    Integer index = ASTHelpers.constValue(frame.getIndex(), Integer.class);
    Optional<MethodInvocationTree> getter = sharedGetterCall(access);
    int ownFrame = source.ownFrame();
    if (!source.fixable() || index == null || index < ownFrame || getter.isEmpty()) {
      return buildDescription(frame)
          .setMessage(
              message()
                  + ". Walk only as far as needed: StackWalker.getInstance()"
                  + ".walk(frames -> frames.skip(n).findFirst())")
          .build();
    }
    SuggestedFix.Builder fix = SuggestedFix.builder();
    String walker = SuggestedFixes.qualifyType(state, fix, "java.lang.StackWalker");
    String frames = unusedName("frames", state);
    int skip = index - ownFrame;
    String stream = skip == 0 ? frames : frames + ".skip(" + skip + ")";
    String getterName = ((MemberSelectTree) getter.get().getMethodSelect()).getIdentifier().toString();
    // Optional.orElseThrow() is Java 10; get() says the same on Java 9.
    String unwrap = JavaTarget.atLeast(state, 10) ? "orElseThrow" : "get";
    // SHOW_REFLECT_FRAMES: a Throwable's trace keeps Method.invoke and its helpers; so must we.
    String replacement =
        String.format(
            "%1$s.getInstance(%1$s.Option.SHOW_REFLECT_FRAMES).walk(%2$s -> %3$s.findFirst())"
                + ".%4$s().%5$s()",
            walker, frames, stream, unwrap, getterName);
    return describeMatch(getter.get(), fix.replace(getter.get(), replacement).build());
  }

  /** {@code trace[k].getMethodName()} and its three siblings: the call, if that is the shape. */
  private static Optional<MethodInvocationTree> sharedGetterCall(TreePath access) {
    TreePath select = access.getParentPath();
    if (!(select.getLeaf() instanceof MemberSelectTree)
        || !SHARED_GETTERS.contains(((MemberSelectTree) select.getLeaf()).getIdentifier().toString())) {
      return Optional.empty();
    }
    Tree call = select.getParentPath().getLeaf();
    if (call instanceof MethodInvocationTree
        && ((MethodInvocationTree) call).getMethodSelect() == select.getLeaf()
        && ((MethodInvocationTree) call).getArguments().isEmpty()) {
      return Optional.of((MethodInvocationTree) call);
    }
    return Optional.empty();
  }

  /** A local array that the method then indexes or loops over: a hand-written caller search. */
  private static boolean isReadFrameByFrame(TreePath declaration, VisitorState state) {
    Symbol array = ASTHelpers.getSymbol(declaration.getLeaf());
    if (array == null || array.getKind() != ElementKind.LOCAL_VARIABLE) {
      return false;
    }
    Tree scope = EnclosingCode.methodOrLambda(declaration);
    if (scope == null) {
      return false;
    }
    return TreeSearch.anyMatch(
        scope,
        node ->
            (node instanceof ArrayAccessTree
                    && array.equals(ASTHelpers.getSymbol(((ArrayAccessTree) node).getExpression())))
                || (node instanceof EnhancedForLoopTree
                    && array.equals(ASTHelpers.getSymbol(((EnhancedForLoopTree) node).getExpression()))));
  }

  /** A trace taken while handling an exception runs once per failure: the seed's "When NOT". */
  private static boolean isInCatchBlock(VisitorState state) {
    for (Tree enclosing : state.getPath()) {
      if (enclosing instanceof CatchTree) {
        return true;
      }
      if (EnclosingCode.isBoundary(enclosing)) {
        return false;
      }
    }
    return false;
  }

  private static String unusedName(String preferred, VisitorState state) {
    Set<String> taken = new HashSet<>();
    for (Symbol symbol : FindIdentifiers.findAllIdents(state)) {
      taken.add(symbol.getSimpleName().toString());
    }
    String name = preferred;
    for (int i = 2; taken.contains(name); i++) {
      name = preferred + i;
    }
    return name;
  }
}
