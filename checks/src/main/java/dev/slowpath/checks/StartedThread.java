package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * A platform thread started by a {@code start()} call: {@code new Thread(task[, name]).start()},
 * {@code Thread t = new Thread(…); … t.start()}, or {@code Thread.ofPlatform()….start(task)}. It
 * knows the task the thread runs and how to start a virtual thread for it instead.
 */
final class StartedThread {
  /**
   * Calls on the thread that mean the same on a virtual thread. Not {@code isDaemon}, {@code
   * getPriority}, {@code getThreadGroup} or {@code toString}, whose answers change.
   */
  private static final Set<String> KEPT_CALLS =
      Set.of("start", "join", "getName", "setName", "setUncaughtExceptionHandler", "getUncaughtExceptionHandler",
          "interrupt", "isInterrupted", "isAlive", "getId", "threadId", "getState", "setContextClassLoader",
          "getContextClassLoader");

  /** Builder steps that {@code Thread.ofVirtual()} has too. */
  private static final Set<String> KEPT_STEPS = Set.of("name", "uncaughtExceptionHandler", "inheritInheritableThreadLocals");

  final ExpressionTree task;
  private final TreePath creationPath;
  private final ExpressionTree creation; // the new Thread(…), or the builder chain before start(task)
  private final Symbol variable; // the local holding the thread, or null
  private final boolean builder;
  private final String noRewrite; // why the start cannot be rewritten (a factory's thread, a later assignment), or null

  private StartedThread(ExpressionTree task, TreePath creationPath, Symbol variable, boolean builder) {
    this(task, creationPath, variable, builder, null);
  }

  private StartedThread(ExpressionTree task, TreePath creationPath, Symbol variable, boolean builder, String noRewrite) {
    this.task = task;
    this.creationPath = creationPath;
    this.creation = (ExpressionTree) creationPath.getLeaf();
    this.variable = variable;
    this.builder = builder;
    this.noRewrite = noRewrite;
  }

  /** The code the started thread runs lives in a subclass of Thread, not in a task. */
  boolean isSubclass() {
    return task == null && noRewrite == null;
  }

  TreePath creationPath() {
    return creationPath;
  }

  /** The code the thread runs, if this file has it: its task's, or its subclass's {@code run()}. */
  Optional<TaskCode> code(TreePath at, VisitorState state) {
    if (task == null && noRewrite != null) {
      return Optional.empty();
    }
    if (isSubclass()) {
      return TaskCode.ofSubclass((NewClassTree) ASTHelpers.stripParentheses(creation), state);
    }
    return TaskCode.of(task, at, state);
  }

  /** The platform thread that {@code start} (a call named start) starts, if it is one of the known shapes. */
  static Optional<StartedThread> of(MethodInvocationTree start, TreePath startPath, VisitorState state) {
    if (!(start.getMethodSelect() instanceof MemberSelectTree)) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.stripParentheses(((MemberSelectTree) start.getMethodSelect()).getExpression());
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(start);
    if (method == null) {
      return Optional.empty();
    }
    if (start.getArguments().size() == 1 && method.owner.getQualifiedName().toString().startsWith("java.lang.Thread.Builder")) {
      return rootIsOfPlatform(receiver, state)
          ? Optional.of(new StartedThread(start.getArguments().get(0), new TreePath(new TreePath(startPath, ((MemberSelectTree) start.getMethodSelect())), receiver), heldBy(startPath), true))
          : Optional.empty();
    }
    if (!start.getArguments().isEmpty() || !isThread(ASTHelpers.getType(receiver), state)) {
      return Optional.empty();
    }
    if (receiver instanceof NewClassTree) {
      TreePath select = new TreePath(startPath, start.getMethodSelect());
      return ofCreation(new TreePath(select, receiver), null, state);
    }
    if (receiver instanceof MethodInvocationTree && isFactoryThread((MethodInvocationTree) receiver, state)) {
      TreePath select = new TreePath(startPath, start.getMethodSelect());
      return ofFactory(new TreePath(select, receiver), null);
    }
    if (receiver instanceof IdentifierTree) {
      Symbol local = ASTHelpers.getSymbol(receiver);
      if (local == null || local.getKind() != ElementKind.LOCAL_VARIABLE) {
        return Optional.empty();
      }
      TreePath initializer = SymbolUses.initializerOf(local, startPath);
      if (initializer == null || ((Tree) initializer.getLeaf()).getKind() == Tree.Kind.NULL_LITERAL) {
        // Thread t = null; … t = new Thread(task); … t.start(): the one value it is given later.
        initializer = onlyAssignment(local, startPath);
        if (initializer == null) {
          return Optional.empty();
        }
        ExpressionTree value = ASTHelpers.stripParentheses((ExpressionTree) initializer.getLeaf());
        if (value instanceof NewClassTree) {
          return ofCreation(initializer, local, state)
              .map(t -> new StartedThread(t.task, t.creationPath, local, false,
                  "the thread is assigned after its declaration; start a virtual thread there by hand"));
        }
      }
      ExpressionTree value = ASTHelpers.stripParentheses((ExpressionTree) initializer.getLeaf());
      if (value instanceof NewClassTree) {
        return ofCreation(initializer, local, state);
      }
      if (value instanceof MethodInvocationTree && isFactoryThread((MethodInvocationTree) value, state)) {
        return ofFactory(initializer, local);
      }
      if (value instanceof ConditionalExpressionTree && isThreadMaking(((ConditionalExpressionTree) value).getTrueExpression(), state)
          && isThreadMaking(((ConditionalExpressionTree) value).getFalseExpression(), state)) {
        return Optional.of(new StartedThread(null, initializer, local, false,
            "the thread comes from a ThreadFactory or a constructor, chosen at run time"));
      }
    }
    return Optional.empty();
  }

  /** {@code factory.newThread(task)} on a {@code java.util.concurrent.ThreadFactory}: a platform thread unless the factory says otherwise. */
  private static boolean isFactoryThread(MethodInvocationTree call, VisitorState state) {
    Symbol method = ASTHelpers.getSymbol(call);
    Type factory = state.getTypeFromString("java.util.concurrent.ThreadFactory");
    return method != null
        && method.getSimpleName().contentEquals("newThread")
        && call.getArguments().size() == 1
        && factory != null
        && ASTHelpers.isSubtype(method.owner.type, factory, state);
  }

  private static boolean isThreadMaking(ExpressionTree expression, VisitorState state) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(expression);
    return stripped instanceof NewClassTree && isThread(ASTHelpers.getType(stripped), state)
        || stripped instanceof MethodInvocationTree && isFactoryThread((MethodInvocationTree) stripped, state);
  }

  private static Optional<StartedThread> ofFactory(TreePath creationPath, Symbol variable) {
    MethodInvocationTree call = (MethodInvocationTree) ASTHelpers.stripParentheses((ExpressionTree) creationPath.getLeaf());
    return Optional.of(new StartedThread(call.getArguments().get(0), creationPath, variable, false,
        "the thread comes from a ThreadFactory, whose threads this file does not make; give the loop a virtual-thread"
            + " factory (Thread.ofVirtual().factory()) or a shared pool"));
  }

  /** The value of the one assignment {@code local = …;} in the enclosing method, or null. */
  private static TreePath onlyAssignment(Symbol local, TreePath from) {
    TreePath scope = EnclosingCode.methodOrLambdaPath(from);
    if (scope == null) {
      return null;
    }
    TreePath value = null;
    for (TreePath use : SymbolUses.within(scope, local)) {
      Tree parent = use.getParentPath().getLeaf();
      if (parent instanceof AssignmentTree && ((AssignmentTree) parent).getVariable() == use.getLeaf()) {
        ExpressionTree assigned = ((AssignmentTree) parent).getExpression();
        if (assigned.getKind() == Tree.Kind.NULL_LITERAL) {
          continue; // t = null after the work: not a second thread
        }
        if (value != null) {
          return null;
        }
        value = new TreePath(use.getParentPath(), assigned);
      }
    }
    return value;
  }

  /** Why the start cannot be rewritten to a virtual thread whatever the release, or null. */
  String noRewrite() {
    return noRewrite;
  }

  private static Optional<StartedThread> ofCreation(TreePath creationPath, Symbol variable, VisitorState state) {
    NewClassTree creation = (NewClassTree) ASTHelpers.stripParentheses((ExpressionTree) creationPath.getLeaf());
    if (!isThread(ASTHelpers.getType(creation), state)) {
      return Optional.empty();
    }
    Type type = ASTHelpers.getType(creation);
    boolean plainThread = creation.getClassBody() == null && type.tsym.getQualifiedName().contentEquals("java.lang.Thread");
    ExpressionTree task = plainThread ? runnableArgument(creation, state) : null;
    if (plainThread && task == null) {
      return Optional.empty(); // new Thread() or new Thread(name): runs nothing
    }
    return Optional.of(new StartedThread(task, creationPath, variable, false));
  }

  /** The Runnable of {@code new Thread(task)} / {@code new Thread(task, name)}, or of a thread-group form. */
  private static ExpressionTree runnableArgument(NewClassTree creation, VisitorState state) {
    Type runnable = state.getTypeFromString("java.lang.Runnable");
    for (ExpressionTree argument : creation.getArguments()) {
      Type type = ASTHelpers.getType(argument);
      if (type != null && runnable != null && ASTHelpers.isSubtype(type, runnable, state)) {
        return argument;
      }
    }
    return null;
  }

  /** The local a started builder thread is assigned to ({@code Thread t = Thread.ofPlatform().start(r)}), or null. */
  private static Symbol heldBy(TreePath startPath) {
    Tree parent = startPath.getParentPath().getLeaf();
    return parent instanceof VariableTree ? ASTHelpers.getSymbol(parent) : null;
  }

  static boolean isThread(Type type, VisitorState state) {
    Type thread = state.getTypeFromString("java.lang.Thread");
    return type != null && thread != null && ASTHelpers.isSubtype(type, thread, state);
  }

  private static boolean rootIsOfPlatform(ExpressionTree chain, VisitorState state) {
    ExpressionTree step = chain;
    while (step instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) step;
      Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
      if (method != null && method.isStatic()) {
        return method.getSimpleName().contentEquals("ofPlatform") && method.owner.getQualifiedName().contentEquals("java.lang.Thread");
      }
      if (!(call.getMethodSelect() instanceof MemberSelectTree)) {
        return false;
      }
      step = ((MemberSelectTree) call.getMethodSelect()).getExpression();
    }
    return false;
  }

  /** Whether the thread is made a daemon: {@code t.setDaemon(true)}, or {@code .daemon()} / {@code .daemon(true)}. */
  boolean isDaemon(TreePath scope, VisitorState state) {
    if (builder) {
      return steps().stream().anyMatch(StartedThread::isDaemonTrue);
    }
    return variable != null
        && SymbolUses.within(scope, variable).stream().anyMatch(use -> {
          MethodInvocationTree call = callOn(use);
          return call != null && isDaemonTrue(call);
        });
  }

  private static boolean isDaemonTrue(MethodInvocationTree call) {
    CharSequence name = MethodNames.simpleName(call.getMethodSelect());
    if (!"daemon".contentEquals(name) && !"setDaemon".contentEquals(name)) {
      return false;
    }
    return call.getArguments().isEmpty() && "daemon".contentEquals(name)
        || call.getArguments().size() == 1 && Boolean.TRUE.equals(ASTHelpers.constValue(call.getArguments().get(0)));
  }

  /**
   * The virtual-thread rewrite, or empty with the reason in {@code why}: the thread's uses in
   * {@code scope} must all mean the same on a virtual thread.
   */
  Optional<SuggestedFix> toVirtual(MethodInvocationTree start, TreePath scope, VisitorState state, StringBuilder why) {
    if (noRewrite != null) {
      why.append(noRewrite);
      return Optional.empty();
    }
    if (variable != null) {
      for (TreePath use : SymbolUses.within(scope, variable)) {
        MethodInvocationTree call = callOn(use);
        if (call == null) {
          if (!isPassedOn(use)) {
            why.append("the thread variable is reassigned or used in a way the rewrite cannot follow");
            return Optional.empty();
          }
          continue;
        }
        String name = MethodNames.simpleName(call.getMethodSelect()).toString();
        if (!KEPT_CALLS.contains(name) && !isDaemonTrue(call)) {
          why.append("the thread's ").append(name).append("() means something else on a virtual thread"
              + " (priority, daemon status and thread group are fixed there)");
          return Optional.empty();
        }
      }
    }
    if (builder) {
      return builderToVirtual(state, why);
    }
    NewClassTree newThread = (NewClassTree) ASTHelpers.stripParentheses(creation);
    List<? extends ExpressionTree> arguments = newThread.getArguments();
    String name = null;
    if (arguments.size() == 2 && arguments.get(0) == task) {
      name = state.getSourceForNode(arguments.get(1));
    } else if (arguments.size() != 1) {
      why.append("the thread is made with a thread group or stack size, which virtual threads do not have");
      return Optional.empty();
    }
    String virtual = name == null ? "Thread.ofVirtual()" : "Thread.ofVirtual().name(" + name + ")";
    // Only the text around the task is replaced: another check's fix inside the task (a lambda
    // body) must not overlap this one in patch mode.
    ExpressionTree around = variable == null ? start : creation;
    String opening =
        variable != null ? virtual + ".unstarted(" : name == null ? "Thread.startVirtualThread(" : virtual + ".start(";
    return Optional.of(
        SuggestedFix.builder()
            .replace(ASTHelpers.getStartPosition(around), ASTHelpers.getStartPosition(task), opening)
            .replace(state.getEndPosition(task), state.getEndPosition(around), ")")
            .build());
  }

  private Optional<SuggestedFix> builderToVirtual(VisitorState state, StringBuilder why) {
    StringBuilder chain = new StringBuilder("Thread.ofVirtual()");
    for (MethodInvocationTree step : steps()) {
      String name = MethodNames.simpleName(step.getMethodSelect()).toString();
      if (isDaemonTrue(step)) {
        continue; // a virtual thread is always a daemon
      }
      if (!KEPT_STEPS.contains(name)) {
        why.append("the builder sets ").append(name).append(", which a virtual thread does not have");
        return Optional.empty();
      }
      List<String> arguments = new ArrayList<>();
      step.getArguments().forEach(argument -> arguments.add(state.getSourceForNode(argument)));
      chain.append('.').append(name).append('(').append(String.join(", ", arguments)).append(')');
    }
    return Optional.of(SuggestedFix.replace(creation, chain.toString()));
  }

  /** The builder steps between {@code Thread.ofPlatform()} and {@code start(task)}, in order. */
  private List<MethodInvocationTree> steps() {
    List<MethodInvocationTree> steps = new ArrayList<>();
    ExpressionTree step = creation;
    while (step instanceof MethodInvocationTree && ((MethodInvocationTree) step).getMethodSelect() instanceof MemberSelectTree) {
      steps.add(0, (MethodInvocationTree) step);
      step = ((MemberSelectTree) ((MethodInvocationTree) step).getMethodSelect()).getExpression();
    }
    if (!steps.isEmpty() && "ofPlatform".contentEquals(MethodNames.simpleName(steps.get(0).getMethodSelect()))) {
      steps.remove(0);
    }
    return steps;
  }

  /** The call made on the thread at {@code use} ({@code t.join()}), or null. */
  private static MethodInvocationTree callOn(TreePath use) {
    Tree parent = use.getParentPath().getLeaf();
    Tree grandParent = use.getParentPath().getParentPath().getLeaf();
    return parent instanceof MemberSelectTree && grandParent instanceof MethodInvocationTree
        ? (MethodInvocationTree) grandParent
        : null;
  }

  /** The thread handed to a method ({@code threads.add(t)}): a Thread either way. */
  private static boolean isPassedOn(TreePath use) {
    Tree parent = use.getParentPath().getLeaf();
    return parent instanceof MethodInvocationTree && ((MethodInvocationTree) parent).getArguments().contains(use.getLeaf());
  }
}
