package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.SynchronizedTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
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

  /** Queue checks that make a {@code take()}/{@code put()} after them return at once. */
  private static final Set<String> QUEUE_GUARDS = Set.of(".isEmpty()", ".size()", ".peek()", ".remainingCapacity()");

  /** A check that makes a {@code Future.get()} or {@code join()} after it return at once. */
  private static final Set<String> FUTURE_GUARDS = Set.of(".isDone()");

  private static final Set<String> QUEUE_OPERATIONS = Set.of("take", "put", "takeFirst", "takeLast", "putFirst", "putLast");

  /** Streams and channels whose reads come from memory or a local file. */
  private static final Set<String> LOCAL_SOURCES =
      Set.of(
          "java.io.ByteArrayInputStream", "java.io.StringReader", "java.io.CharArrayReader",
          "java.io.FileInputStream", "java.io.FileReader", "java.nio.channels.FileChannel");

  private static final Set<String> STREAM_TYPES =
      Set.of("java.io.InputStream", "java.io.Reader", "java.nio.channels.ReadableByteChannel");

  private HeldBlocking() {}

  /** The blocking calls made while {@code section}, whose first tree is at {@code firstPath}, is held. */
  static List<Site> in(CriticalSection section, TreePath firstPath, VisitorState state) {
    List<Site> sites = new ArrayList<>();
    for (TreePath statement : section.statementPaths(firstPath)) {
      new HeldCode(section, state) {
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
  private abstract static class HeldCode extends TreePathScanner<Void, Void> {
    private final CriticalSection section;
    private final VisitorState state;

    HeldCode(CriticalSection section, VisitorState state) {
      this.section = section;
      this.state = state;
    }

    /** Looks at one call; true when the walk should not look inside it. */
    abstract boolean visitCall(MethodInvocationTree call, TreePath path);

    @Override
    public Void visitLambdaExpression(LambdaExpressionTree tree, Void unused) {
      return null;
    }

    @Override
    public Void visitClass(ClassTree tree, Void unused) {
      return null;
    }

    @Override
    public Void visitSynchronized(SynchronizedTree tree, Void unused) {
      String lock = state.getSourceForNode(ASTHelpers.stripParentheses(tree.getExpression()));
      return section.lock().equals(lock) ? null : super.visitSynchronized(tree, null);
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
    Symbol symbol = ASTHelpers.getSymbol(call);
    if (!(symbol instanceof MethodSymbol)) {
      return Optional.empty();
    }
    MethodSymbol method = (MethodSymbol) symbol;
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Optional<Site> viaHelper = viaSameFileMethod(call, method, path, section, state);
    if (viaHelper.isPresent() || receiver == null) {
      return viaHelper;
    }
    return viaLocalCode(call, method, ASTHelpers.stripParentheses(receiver), path, section, state);
  }

  /** {@code sleepQuietly(ms)}: a method of this file whose own code blocks. */
  private static Optional<Site> viaSameFileMethod(
      MethodInvocationTree call, MethodSymbol method, TreePath path, CriticalSection section, VisitorState state) {
    if ((method.flags() & Flags.ABSTRACT) != 0 || !declaredInThisFile(method, state)) {
      return Optional.empty();
    }
    ClassTree enclosing = ASTHelpers.findEnclosingNode(path, ClassTree.class);
    if ((method.flags() & Flags.SYNCHRONIZED) != 0
        && section.lock().equals(method.isStatic() ? "class" : "this")
        && enclosing != null
        && method.owner.equals(ASTHelpers.getSymbol(enclosing))) {
      return Optional.empty(); // a synchronized method on the same monitor reports its own calls
    }
    MethodTree declaration = ASTHelpers.findMethod(method, state);
    ClassTree owner = method.owner instanceof Symbol.ClassSymbol ? ASTHelpers.findClass((Symbol.ClassSymbol) method.owner, state) : null;
    if (declaration == null || declaration.getBody() == null || owner == null) {
      return Optional.empty();
    }
    // A path from the file through the class to the body: enough for the checks that look up
    // from a call (they stop at the method), without searching the whole file for it.
    TreePath ownerPath = new TreePath(new TreePath(state.getPath().getCompilationUnit()), owner);
    TreePath body = new TreePath(new TreePath(ownerPath, declaration), declaration.getBody());
    // A helper that reads from its parameter reads what this call passes it: Ant's
    // getVMSLogicals(new BufferedReader(new StringReader(text))).
    java.util.function.Predicate<MethodInvocationTree> readsLocalArgument =
        inner -> {
          ExpressionTree receiver = ASTHelpers.getReceiver(inner);
          Symbol parameter = receiver == null ? null : ASTHelpers.getSymbol(ASTHelpers.stripParentheses(receiver));
          int index = parameter == null ? -1 : method.getParameters().indexOf(parameter);
          return index >= 0
              && index < call.getArguments().size()
              && readsMemoryOrFile(call.getArguments().get(index), path, state);
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
      if (!isFinalLocal(local)) {
        return Optional.empty();
      }
      code = initializerOf(local, callPath);
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

  /** A local, or a try-with-resources variable, that is never reassigned. */
  private static boolean isFinalLocal(Symbol symbol) {
    return symbol != null
        && (symbol.getKind() == ElementKind.LOCAL_VARIABLE || symbol.getKind() == ElementKind.RESOURCE_VARIABLE)
        && (symbol.flags() & (Flags.FINAL | Flags.EFFECTIVELY_FINAL)) != 0;
  }

  /** The path of the initializer of a local declared in the method or lambda around {@code from}. */
  private static TreePath initializerOf(Symbol local, TreePath from) {
    TreePath scope = from;
    while (scope != null && !(scope.getLeaf() instanceof MethodTree || scope.getLeaf() instanceof LambdaExpressionTree)) {
      scope = scope.getParentPath();
    }
    if (scope == null) {
      return null;
    }
    Tree[] found = new Tree[1];
    TreeSearch.anyMatch(
        scope.getLeaf(),
        node -> {
          if (node instanceof VariableTree && local.equals(ASTHelpers.getSymbol(node))) {
            found[0] = ((VariableTree) node).getInitializer();
            return true;
          }
          return false;
        });
    return found[0] == null ? null : TreePath.getPath(scope, ASTHelpers.stripParentheses((ExpressionTree) found[0]));
  }

  /** The first blocking call in the code at {@code body}, outside lambdas and classes in it. */
  private static Optional<MethodInvocationTree> firstBlockingCall(
      TreePath body, CriticalSection section, VisitorState state) {
    return firstBlockingCall(body, section, state, call -> false);
  }

  /** The same, passing over the calls that {@code local} says read memory or a file. */
  private static Optional<MethodInvocationTree> firstBlockingCall(
      TreePath body, CriticalSection section, VisitorState state, java.util.function.Predicate<MethodInvocationTree> local) {
    if (body == null) {
      return Optional.empty();
    }
    List<MethodInvocationTree> found = new ArrayList<>();
    new HeldCode(section, state) {
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
    if (MethodNames.simpleName(call.getMethodSelect()).toString().equals("wait")
        || !BlockingCalls.isBlocking(call, state)) {
      return false;
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return !(receiver != null && readsMemoryOrFile(receiver, path, state))
        && !isGuarded(call, receiver, path, state)
        && !(receiver != null && isNonBlockingChannel(receiver, state))
        && !isStreamReadUnderItsOwnLock(call, path, section, state);
  }

  /**
   * A read whose data comes from memory or from a local file, followed through the wrappers built
   * around it in this method: {@code new LineNumberReader(new InputStreamReader(new
   * ByteArrayInputStream(bytes)))}, a {@code FileChannel}, a {@code FileInputStream}. Memory never
   * waits; a file read is short, and a virtual thread does not unmount for one with or without a
   * monitor (the JDK compensates by adding a carrier), so the rewrite would gain nothing.
   */
  private static boolean readsMemoryOrFile(ExpressionTree receiver, TreePath path, VisitorState state) {
    ExpressionTree source = ASTHelpers.stripParentheses(receiver);
    TreePath scope = path;
    for (int depth = 0; source != null && depth < 8; depth++) {
      Type type = ASTHelpers.getType(source);
      if (isAny(type, LOCAL_SOURCES, state)) {
        return true;
      }
      if (source instanceof MethodInvocationTree) {
        Symbol method = ASTHelpers.getSymbol(source);
        return method != null
            && ((method.owner.getQualifiedName().contentEquals("java.nio.file.Files")
                    && method.getSimpleName().toString().startsWith("new"))
                || method.getSimpleName().contentEquals("getResourceAsStream"));
      }
      if (source instanceof NewClassTree) {
        source = ((NewClassTree) source).getArguments().stream()
            .filter(a -> isAny(ASTHelpers.getType(a), STREAM_TYPES, state))
            .findFirst()
            .map(ASTHelpers::stripParentheses)
            .orElse(null);
      } else if (source instanceof IdentifierTree) {
        Symbol local = ASTHelpers.getSymbol(source);
        if (!isFinalLocal(local)) {
          return false;
        }
        TreePath initializer = initializerOf(local, scope);
        source = initializer == null ? null : (ExpressionTree) initializer.getLeaf();
        scope = initializer;
      } else {
        return false;
      }
    }
    return false;
  }

  /**
   * A channel that this file puts in non-blocking mode ({@code channel.configureBlocking(false)}
   * on the same field or local): its reads return at once (ActiveMQ's NIO transports).
   */
  private static boolean isNonBlockingChannel(ExpressionTree receiver, VisitorState state) {
    Type selectable = state.getTypeFromString("java.nio.channels.SelectableChannel");
    Type type = ASTHelpers.getType(receiver);
    Symbol channel = ASTHelpers.getSymbol(ASTHelpers.stripParentheses(receiver));
    if (selectable == null || type == null || channel == null || !ASTHelpers.isSubtype(type, selectable, state)) {
      return false;
    }
    return TreeSearch.anyMatch(
        state.getPath().getCompilationUnit(),
        node -> {
          if (!(node instanceof MethodInvocationTree)
              || !MethodNames.simpleName(((MethodInvocationTree) node).getMethodSelect()).toString().equals("configureBlocking")) {
            return false;
          }
          MethodInvocationTree call = (MethodInvocationTree) node;
          ExpressionTree on = ASTHelpers.getReceiver(call);
          return on != null
              && call.getArguments().size() == 1
              && Boolean.FALSE.equals(ASTHelpers.constValue(call.getArguments().get(0)))
              && channel.equals(ASTHelpers.getSymbol(ASTHelpers.stripParentheses(on)));
        });
  }

  private static boolean isAny(Type type, Set<String> names, VisitorState state) {
    if (type == null) {
      return false;
    }
    for (String name : names) {
      Type candidate = state.getTypeFromString(name);
      if (candidate != null && ASTHelpers.isSubtype(type, candidate, state)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A call that the code around it has made sure returns at once: {@code if (!queue.isEmpty())
   * queue.take();} under the monitor that every consumer takes, or {@code future.get()} after
   * {@code if (!future.isDone()) return …;}. Either the condition of an {@code if} or loop around
   * the call tests the same receiver, or an earlier {@code if} that tests it always leaves.
   */
  private static boolean isGuarded(MethodInvocationTree call, ExpressionTree receiver, TreePath path, VisitorState state) {
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    Set<String> guards = QUEUE_OPERATIONS.contains(name) ? QUEUE_GUARDS : name.equals("get") || name.equals("join") ? FUTURE_GUARDS : Set.of();
    String target = receiver == null ? null : state.getSourceForNode(ASTHelpers.stripParentheses(receiver));
    if (guards.isEmpty() || target == null) {
      return false;
    }
    java.util.function.Predicate<Tree> tests =
        condition -> {
          String text = condition == null ? null : state.getSourceForNode(condition);
          return text != null && guards.stream().anyMatch(guard -> text.contains(target + guard));
        };
    Tree child = call;
    for (TreePath p = path.getParentPath(); p != null && !EnclosingCode.isBoundary(p.getLeaf()); p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if ((leaf instanceof IfTree && tests.test(((IfTree) leaf).getCondition()))
          || (leaf instanceof ConditionalExpressionTree
              && ((ConditionalExpressionTree) leaf).getTrueExpression() == child
              && tests.test(((ConditionalExpressionTree) leaf).getCondition()))
          || (Loops.isLoop(leaf) && tests.test(Loops.condition(leaf)))) {
        return true;
      }
      if (leaf instanceof BlockTree) {
        for (StatementTree earlier : ((BlockTree) leaf).getStatements()) {
          if (earlier == child) {
            break;
          }
          if (earlier instanceof IfTree
              && tests.test(((IfTree) earlier).getCondition())
              && alwaysLeaves(((IfTree) earlier).getThenStatement())) {
            return true;
          }
        }
      }
      child = leaf;
    }
    return false;
  }

  /** A statement whose last word is {@code return} or {@code throw}. */
  private static boolean alwaysLeaves(StatementTree statement) {
    if (statement instanceof BlockTree) {
      List<? extends StatementTree> statements = ((BlockTree) statement).getStatements();
      return !statements.isEmpty() && alwaysLeaves(statements.get(statements.size() - 1));
    }
    return statement instanceof ReturnTree || statement instanceof ThrowTree;
  }

  /**
   * A read inside a {@code java.io.InputStream} or {@code Reader} subclass that holds {@code this}
   * or the Reader's {@code lock}: that API's own convention for making a stream safe to share.
   */
  private static boolean isStreamReadUnderItsOwnLock(
      MethodInvocationTree call, TreePath path, CriticalSection section, VisitorState state) {
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    if (!(name.equals("read") || name.equals("readLine"))
        || !(section.lock().equals("this") || section.lock().equals("lock"))) {
      return false;
    }
    ClassTree owner = ASTHelpers.findEnclosingNode(path, ClassTree.class);
    Symbol ownerSymbol = owner == null ? null : ASTHelpers.getSymbol(owner);
    if (ownerSymbol == null) {
      return false;
    }
    for (String stream : STREAM_TYPES) {
      Type streamType = state.getTypeFromString(stream);
      if (streamType != null && ASTHelpers.isSubtype(ownerSymbol.type, streamType, state)) {
        return true;
      }
    }
    return false;
  }

  /** {@code Thread.sleep}, {@code BlockingQueue.take}: the owner's simple name and the method. */
  private static String describe(MethodInvocationTree call) {
    Symbol method = ASTHelpers.getSymbol(call);
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    return method == null ? name : method.owner.getSimpleName() + "." + name;
  }

  /**
   * Whether {@code method} is declared in the file being compiled. Walks the owners by hand: an
   * array's {@code clone()} belongs to a synthetic class that is not a {@code ClassSymbol}, and
   * {@code Symbol.outermostClass()} throws on it.
   */
  private static boolean declaredInThisFile(MethodSymbol method, VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    for (Symbol owner = method.owner; owner != null; owner = owner.owner) {
      if (owner instanceof Symbol.ClassSymbol && ((Symbol.ClassSymbol) owner).sourcefile != null) {
        return ((Symbol.ClassSymbol) owner).sourcefile.equals(unit.getSourceFile());
      }
    }
    return false;
  }

}
