package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.IfTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.ThrowTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.source.util.TreePathScanner;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * A call that can block in general but returns at once where it is made: a queue or a future the
 * code around it has checked, a read of memory or a local file, a channel this file made
 * non-blocking, a stream reading under its own lock. BlockingInSynchronized's When-NOT cases,
 * each learned from real code (docs/realworld.md).
 */
final class ReturnsAtOnce {
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

  private ReturnsAtOnce() {}

  /** Whether {@code call}, a blocking call made at {@code path} under {@code lock}, returns at once. */
  static boolean here(MethodInvocationTree call, TreePath path, String lock, VisitorState state) {
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    return (receiver != null && (readsMemoryOrFile(receiver, path, state) || isNonBlockingChannel(receiver, state)))
        || isGuarded(call, receiver, path, state)
        || isStreamReadUnderItsOwnLock(call, path, lock, state);
  }

  /**
   * A read whose data comes from memory or from a local file, followed through the wrappers built
   * around it in this method: {@code new LineNumberReader(new InputStreamReader(new
   * ByteArrayInputStream(bytes)))}, a {@code FileChannel}, a {@code FileInputStream}. Memory never
   * waits; a file read is short, and a virtual thread does not unmount for one with or without a
   * monitor (the JDK compensates by adding a carrier), so the rewrite would gain nothing.
   */
  static boolean readsMemoryOrFile(ExpressionTree receiver, TreePath path, VisitorState state) {
    return readsMemoryOrFile(receiver, path, state, 0);
  }

  private static boolean readsMemoryOrFile(ExpressionTree receiver, TreePath path, VisitorState state, int depth) {
    ExpressionTree source = ASTHelpers.stripParentheses(receiver);
    TreePath scope = path;
    for (; source != null && depth < 8; depth++) {
      Type type = ASTHelpers.getType(source);
      if (Subtypes.ofAny(type, LOCAL_SOURCES, state)) {
        return true;
      }
      if (source instanceof MethodInvocationTree) {
        Symbol method = ASTHelpers.getSymbol(source);
        return method != null
            && ((method.owner.getQualifiedName().contentEquals("java.nio.file.Files")
                    && method.getSimpleName().toString().startsWith("new"))
                || method.getSimpleName().contentEquals("getResourceAsStream")
                || everyValueReadsMemoryOrFile(method, state, depth));
      }
      Symbol field = ASTHelpers.getSymbol(source);
      if (field != null && field.getKind() == ElementKind.FIELD) {
        return everyValueReadsMemoryOrFile(field, state, depth);
      }
      if (source instanceof NewClassTree) {
        source = ((NewClassTree) source).getArguments().stream()
            .filter(a -> Subtypes.ofAny(ASTHelpers.getType(a), STREAM_TYPES, state))
            .findFirst()
            .map(ASTHelpers::stripParentheses)
            .orElse(null);
      } else if (source instanceof IdentifierTree) {
        Symbol local = ASTHelpers.getSymbol(source);
        if (!SymbolUses.isFinalLocal(local)) {
          return false;
        }
        TreePath initializer = SymbolUses.initializerOf(local, scope);
        source = initializer == null ? null : (ExpressionTree) initializer.getLeaf();
        scope = initializer;
      } else {
        return false;
      }
    }
    return false;
  }

  /**
   * A method of this file whose every {@code return} hands back memory or a file ({@code return
   * new ByteArrayInputStream(reply);}: a protocol layer that buffered the reply), or a private
   * field of this file whose initializer and every assignment do: bytes already in memory, read
   * through a stream-typed name. Other files' code is not followed: one file at a time, the same
   * answer in the build and in the editor.
   */
  private static boolean everyValueReadsMemoryOrFile(Symbol symbol, VisitorState state, int depth) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    Optional<TreePath> declaration = SymbolUses.declaration(unit, symbol);
    if (declaration.isEmpty()) {
      return false;
    }
    List<TreePath> values = new ArrayList<>();
    if (declaration.get().getLeaf() instanceof MethodTree) {
      MethodTree method = (MethodTree) declaration.get().getLeaf();
      if (method.getBody() == null || (symbol.flags() & (Flags.ABSTRACT | Flags.NATIVE)) != 0 || !cannotBeOverridden(symbol)) {
        return false;
      }
      new TreePathScanner<Void, Void>() {
        @Override
        public Void visitReturn(ReturnTree tree, Void unused) {
          if (tree.getExpression() != null) {
            values.add(new TreePath(getCurrentPath(), tree.getExpression()));
          }
          return null;
        }

        @Override
        public Void visitLambdaExpression(com.sun.source.tree.LambdaExpressionTree tree, Void unused) {
          return null;
        }

        @Override
        public Void visitClass(ClassTree tree, Void unused) {
          return null;
        }
      }.scan(new TreePath(declaration.get(), method.getBody()), null);
    } else if (declaration.get().getLeaf() instanceof VariableTree) {
      if (!symbol.isPrivate()) {
        return false;
      }
      VariableTree variable = (VariableTree) declaration.get().getLeaf();
      if (variable.getInitializer() != null) {
        values.add(new TreePath(declaration.get(), variable.getInitializer()));
      }
      for (TreePath use : SymbolUses.in(unit, symbol)) {
        Tree parent = use.getParentPath().getLeaf();
        if (parent instanceof AssignmentTree && ((AssignmentTree) parent).getVariable() == use.getLeaf()) {
          values.add(new TreePath(use.getParentPath(), ((AssignmentTree) parent).getExpression()));
        } else if (Writes.isWrite(parent)) {
          return false;
        }
      }
    }
    return !values.isEmpty()
        && values.stream()
            .allMatch(value -> isNull(value.getLeaf())
                || readsMemoryOrFile((ExpressionTree) value.getLeaf(), value, state, depth + 1));
  }

  /** Private, static, final, or in a final class: the body in this file is the one that runs. */
  private static boolean cannotBeOverridden(Symbol method) {
    return method.isPrivate()
        || method.isStatic()
        || (method.flags() & Flags.FINAL) != 0
        || (method.owner.flags() & Flags.FINAL) != 0;
  }

  private static boolean isNull(Tree value) {
    return value.getKind() == Tree.Kind.NULL_LITERAL;
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
      MethodInvocationTree call, TreePath path, String lock, VisitorState state) {
    String name = MethodNames.simpleName(call.getMethodSelect()).toString();
    if (!(name.equals("read") || name.equals("readLine")) || !(lock.equals("this") || lock.equals("lock"))) {
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
}
