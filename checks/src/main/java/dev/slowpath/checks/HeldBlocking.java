package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.lang.model.element.ElementKind;

/**
 * The calls that block while a critical section is held: in the section itself, one level down
 * through a method of the same file ({@code sleepQuietly(ms)}), or in a lambda or anonymous class
 * that the section runs right there ({@code action.run()}). Code that the section only creates (a
 * lambda handed to an executor) runs elsewhere and does not count. {@code Object.wait()} releases
 * the monitor it waits on: never a blocking call here.
 */
final class HeldBlocking {
  /**
   * One blocking call under the lock.
   *
   * @param reportAt the call in the section: the blocking call, or the call that leads to it
   * @param call what blocks, {@code Thread.sleep}
   * @param via the method or lambda in between, or null when the section makes the call itself
   */
  record Site(Tree reportAt, String call, String via) {
    String describe() {
      return via == null ? call : via + ", which calls " + call;
    }
  }

  private HeldBlocking() {}

  /** The blocking calls made while {@code section}, whose first tree is at {@code firstPath}, is held. */
  static List<Site> in(CriticalSection section, TreePath firstPath, VisitorState state) {
    List<Site> sites = new ArrayList<>();
    for (TreePath statement : section.statementPaths(firstPath)) {
      new HeldCode(section.lock(), state) {
        @Override
        boolean visitCall(MethodInvocationTree call, TreePath path) {
          site(call, path, section, state).ifPresent(sites::add);
          return false;
        }
      }.scan(statement, null);
    }
    return sites;
  }

  /**
   * Walks code that runs while the section is held: not into lambdas and classes (they run when
   * called, elsewhere), nor into a nested {@code synchronized} on the same lock (that block reports
   * its own calls).
   */
  private abstract static class HeldCode extends OwnCodeScanner<Void, Void> {
    private final String lock;
    private final VisitorState state;

    /** {@code lock}: the section's lock text, or null to look into every {@code synchronized}. */
    HeldCode(String lock, VisitorState state) {
      this.lock = lock;
      this.state = state;
    }

    /** Looks at one call; true when the walk should not look inside it. */
    abstract boolean visitCall(MethodInvocationTree call, TreePath path);

    @Override
    public Void visitSynchronized(SynchronizedTree tree, Void unused) {
      String nested = state.getSourceForNode(ASTHelpers.stripParentheses(tree.getExpression()));
      return lock != null && lock.equals(nested) ? null : super.visitSynchronized(tree, null);
    }

    @Override
    public Void visitMethodInvocation(MethodInvocationTree tree, Void unused) {
      return visitCall(tree, getCurrentPath()) ? null : super.visitMethodInvocation(tree, null);
    }
  }

  /**
   * Whether the lock {@code section} takes is a field that this file holds, somewhere, across a
   * blocking call — the lock BlockingInSynchronized reports, and may turn into a {@code
   * ReentrantLock}. The other lock checks leave such a lock to it, so that the fixes never meet on
   * one statement and one patch run converges (the answer is the same before and after the
   * rewrite: it counts {@code synchronized} and {@code lock()} sections alike).
   */
  static boolean lockAlsoHeldAcrossBlocking(CriticalSection section, VisitorState state) {
    ExpressionTree lock = section.lockExpression();
    Symbol field = lock == null ? null : ASTHelpers.getSymbol(lock);
    if (field == null || field.getKind() != ElementKind.FIELD) {
      return false;
    }
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    for (TreePath use : SymbolUses.in(unit, field)) {
      Optional<TreePath> first = sectionTakenBy(use);
      if (first.isEmpty()) {
        continue;
      }
      Tree leaf = first.get().getLeaf();
      Optional<CriticalSection> held =
          leaf instanceof SynchronizedTree
              ? CriticalSection.ofBlock((SynchronizedTree) leaf, state)
              : CriticalSection.ofLockStatement(first.get(), state);
      if (held.isPresent() && !in(held.get(), first.get(), state).isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * The statement that takes a lock when {@code use} is that lock: {@code synchronized (use)} or
   * {@code use.lock();}.
   */
  static Optional<TreePath> sectionTakenBy(TreePath use) {
    TreePath parent = use.getParentPath();
    while (parent.getLeaf() instanceof ParenthesizedTree) {
      parent = parent.getParentPath();
    }
    if (parent.getLeaf() instanceof SynchronizedTree) {
      return Optional.of(parent);
    }
    if (parent.getLeaf() instanceof MemberSelectTree
        && parent.getParentPath().getLeaf() instanceof MethodInvocationTree
        && MethodNames.isNoArgCallNamed((MethodInvocationTree) parent.getParentPath().getLeaf(), "lock")
        && parent.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree) {
      return Optional.of(parent.getParentPath().getParentPath());
    }
    return Optional.empty();
  }

  private static Optional<Site> site(
      MethodInvocationTree call, TreePath path, CriticalSection section, VisitorState state) {
    if (blocks(call, path, section, state)) {
      return Optional.of(new Site(call, describe(call), null));
    }
    Optional<String> other = waitOnAnotherMonitor(call, section, state);
    if (other.isPresent()) {
      return Optional.of(new Site(call, "Object.wait on `" + other.get() + "`, which releases only that monitor", null));
    }
    Symbol symbol = ASTHelpers.getSymbol(call);
    if (!(symbol instanceof MethodSymbol)) {
      return Optional.empty();
    }
    MethodSymbol method = (MethodSymbol) symbol;
    if (BlockingCalls.isSleepHelper(method, state)) {
      return Optional.of(new Site(call, describe(call) + " (a sleep helper)", null));
    }
    Optional<Site> runHere = viaRunnerThatRunsItHere(call, method, path, section, state);
    if (runHere.isPresent()) {
      return runHere;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Optional<Site> viaHelper = viaSameFileMethod(call, method, path, section, state);
    if (viaHelper.isPresent() || receiver == null) {
      return viaHelper;
    }
    return viaLocalCode(call, method, ASTHelpers.stripParentheses(receiver), path, section, state);
  }

  /** Runners whose contract is to run the action they are given on the calling thread, before they return. */
  private static final Set<String> RUNS_HERE = Set.of("doAs", "doAsPrivileged", "doPrivileged", "callAs");

  /**
   * {@code ugi.doAs(new PrivilegedExceptionAction<>() { … sleep … })}, {@code
   * AccessController.doPrivileged(() -> …)}: the action runs right here, under the monitor, so
   * what blocks in it blocks the section.
   */
  private static Optional<Site> viaRunnerThatRunsItHere(
      MethodInvocationTree call, MethodSymbol method, TreePath path, CriticalSection section, VisitorState state) {
    if (!RUNS_HERE.contains(method.getSimpleName().toString())) {
      return Optional.empty();
    }
    for (ExpressionTree argument : call.getArguments()) {
      ExpressionTree action = ASTHelpers.stripParentheses(argument);
      TreePath actionPath = new TreePath(path, action);
      TreePath body = null;
      if (action instanceof LambdaExpressionTree) {
        body = new TreePath(actionPath, ((LambdaExpressionTree) action).getBody());
      } else if (action instanceof NewClassTree && ((NewClassTree) action).getClassBody() != null) {
        ClassTree anonymous = ((NewClassTree) action).getClassBody();
        for (Tree member : anonymous.getMembers()) {
          if (member instanceof MethodTree && ((MethodTree) member).getBody() != null
              && (((MethodTree) member).getName().contentEquals("run") || ((MethodTree) member).getName().contentEquals("call"))) {
            body = new TreePath(new TreePath(new TreePath(actionPath, anonymous), member), ((MethodTree) member).getBody());
          }
        }
      }
      Optional<MethodInvocationTree> inner = firstBlockingCall(body, section, state);
      if (inner.isPresent()) {
        return Optional.of(new Site(call, describe(inner.get()), method.getSimpleName() + "(…) (it runs its action here)"));
      }
    }
    return Optional.empty();
  }

  /**
   * {@code synchronized (inner) { inner.wait(); }} inside a section on another lock: the wait
   * releases {@code inner} and keeps the outer monitor for as long as it waits (the "wait while
   * holding two locks" of IntelliJ, SpotBugs' TLW_TWO_LOCK_WAIT, Sonar's S3046). The monitor
   * waited on, when it is not the section's own.
   */
  private static Optional<String> waitOnAnotherMonitor(MethodInvocationTree call, CriticalSection section, VisitorState state) {
    if (!"wait".contentEquals(MethodNames.simpleName(call.getMethodSelect())) || !BlockingCalls.isBlocking(call, state)) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    String waitedOn = receiver == null ? "this" : state.getSourceForNode(ASTHelpers.stripParentheses(receiver));
    boolean own = waitedOn == null || waitedOn.equals(section.lock()) || (waitedOn.equals("this") && section.lock().equals("this"));
    return own ? Optional.empty() : Optional.of(waitedOn);
  }

  /** {@code sleepQuietly(ms)}: a method of this file whose own code blocks. */
  private static Optional<Site> viaSameFileMethod(
      MethodInvocationTree call, MethodSymbol method, TreePath path, CriticalSection section, VisitorState state) {
    TreePath declaration =
        (method.flags() & Flags.ABSTRACT) != 0 ? null : BLOCKING_METHODS.get(state).get(state).get(method);
    if (declaration == null) {
      return Optional.empty();
    }
    ClassTree enclosing = ASTHelpers.findEnclosingNode(path, ClassTree.class);
    if ((method.flags() & Flags.SYNCHRONIZED) != 0
        && section.lock().equals(method.isStatic() ? "class" : "this")
        && enclosing != null
        && method.owner.equals(ASTHelpers.getSymbol(enclosing))) {
      return Optional.empty(); // a synchronized method on the same monitor reports its own calls
    }
    TreePath body = new TreePath(declaration, ((MethodTree) declaration.getLeaf()).getBody());
    // A helper that reads from its parameter reads what this call passes it: Ant's
    // getVMSLogicals(new BufferedReader(new StringReader(text))).
    Predicate<MethodInvocationTree> readsLocalArgument =
        inner -> {
          ExpressionTree receiver = ASTHelpers.getReceiver(inner);
          Symbol parameter = receiver == null ? null : ASTHelpers.getSymbol(ASTHelpers.stripParentheses(receiver));
          int index = parameter == null ? -1 : method.getParameters().indexOf(parameter);
          return index >= 0
              && index < call.getArguments().size()
              && ReturnsAtOnce.readsMemoryOrFile(call.getArguments().get(index), path, state);
        };
    return firstBlockingCall(body, section, state, readsLocalArgument)
        .map(inner -> new Site(call, describe(inner), method.getSimpleName() + "(…)"));
  }

  /**
   * {@code action.run()} where {@code action} is a local initialised with a lambda or an anonymous
   * class, or {@code new Runnable() { … }.run()}: the body runs here, under the lock.
   */
  private static Optional<Site> viaLocalCode(
      MethodInvocationTree call,
      MethodSymbol method,
      ExpressionTree receiver,
      TreePath callPath,
      CriticalSection section,
      VisitorState state) {
    TreePath code = new TreePath(callPath, receiver);
    String name = state.getSourceForNode(receiver);
    if (receiver instanceof IdentifierTree) {
      Symbol local = ASTHelpers.getSymbol(receiver);
      if (!SymbolUses.isFinalLocal(local)) {
        return Optional.empty();
      }
      code = SymbolUses.initializerOf(local, callPath);
    }
    Tree leaf = code == null ? null : code.getLeaf();
    TreePath body = null;
    if (leaf instanceof LambdaExpressionTree && (method.flags() & Flags.ABSTRACT) != 0) {
      body = new TreePath(code, ((LambdaExpressionTree) leaf).getBody());
      name = name + "." + method.getSimpleName() + "()";
    } else if (leaf instanceof NewClassTree && ((NewClassTree) leaf).getClassBody() != null) {
      ClassTree anonymous = ((NewClassTree) leaf).getClassBody();
      for (Tree member : anonymous.getMembers()) {
        if (member instanceof MethodTree
            && ((MethodTree) member).getBody() != null
            && ((MethodTree) member).getName().contentEquals(method.getSimpleName())
            && ((MethodTree) member).getParameters().size() == call.getArguments().size()) {
          body = new TreePath(new TreePath(new TreePath(code, anonymous), member), ((MethodTree) member).getBody());
        }
      }
      name = (receiver instanceof IdentifierTree ? name : "an anonymous class") + "." + method.getSimpleName() + "()";
    }
    if (body == null) {
      return Optional.empty();
    }
    String via = name;
    return firstBlockingCall(body, section, state).map(inner -> new Site(call, describe(inner), via));
  }

  /**
   * The methods of the file being analysed whose own code (not its lambdas or nested classes)
   * makes a blocking call, by symbol: one scan per file, on the first call that needs it, so that a
   * helper costs one map lookup per call site.
   */
  private static final Supplier<PerFile<Map<Symbol, TreePath>>> BLOCKING_METHODS =
      VisitorState.memoize(state -> new PerFile<>(BlockingMethods::scan));

  private static final class BlockingMethods {
    private BlockingMethods() {}

    private static Map<Symbol, TreePath> scan(VisitorState state) {
      Map<Symbol, TreePath> found = new HashMap<>();
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitMethod(MethodTree tree, Void unused) {
          Symbol symbol = ASTHelpers.getSymbol(tree);
          if (symbol != null
              && tree.getBody() != null
              && makesBlockingCall(new TreePath(getCurrentPath(), tree.getBody()), state)) {
            found.put(symbol, getCurrentPath());
          }
          return super.visitMethod(tree, null);
        }
      }.scan(state.getPath().getCompilationUnit(), null);
      return found;
    }

    private static boolean makesBlockingCall(TreePath body, VisitorState state) {
      boolean[] blocking = new boolean[1];
      new HeldCode(null, state) {
        @Override
        public Void scan(Tree tree, Void unused) {
          return blocking[0] ? null : super.scan(tree, null);
        }

        @Override
        boolean visitCall(MethodInvocationTree call, TreePath path) {
          blocking[0] = BlockingCalls.blocksHoldingMonitors(call, state);
          return blocking[0];
        }
      }.scan(body, null);
      return blocking[0];
    }
  }

  /** The first blocking call in the code at {@code body}, outside lambdas and classes in it. */
  private static Optional<MethodInvocationTree> firstBlockingCall(
      TreePath body, CriticalSection section, VisitorState state) {
    return firstBlockingCall(body, section, state, call -> false);
  }

  /** The same, passing over the calls that {@code local} says read memory or a file. */
  private static Optional<MethodInvocationTree> firstBlockingCall(
      TreePath body, CriticalSection section, VisitorState state, Predicate<MethodInvocationTree> local) {
    if (body == null) {
      return Optional.empty();
    }
    List<MethodInvocationTree> found = new ArrayList<>();
    new HeldCode(section.lock(), state) {
      @Override
      public Void scan(Tree tree, Void unused) {
        return found.isEmpty() ? super.scan(tree, null) : null;
      }

      @Override
      boolean visitCall(MethodInvocationTree call, TreePath path) {
        if (blocks(call, path, section, state) && !local.test(call)) {
          found.add(call);
          return true;
        }
        return false;
      }
    }.scan(body, null);
    return found.stream().findFirst();
  }

  /** A call that blocks its thread here: not {@code wait()}, and none of the When-NOT cases. */
  private static boolean blocks(MethodInvocationTree call, TreePath path, CriticalSection section, VisitorState state) {
    return BlockingCalls.blocksHoldingMonitors(call, state) && !ReturnsAtOnce.here(call, path, section.lock(), state);
  }

  /** {@code Thread.sleep}, {@code BlockingQueue.take}: the owner's simple name and the method. */
  private static String describe(MethodInvocationTree call) {
    Symbol method = ASTHelpers.getSymbol(call);
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    return method == null ? name : method.owner.getSimpleName() + "." + name;
  }
}
