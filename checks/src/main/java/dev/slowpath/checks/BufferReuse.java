package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LiteralTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewClassTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Whether one buffer made before a loop can stand in for a new one made on every pass: each pass
 * must read only what it wrote in that pass, since a reused buffer holds the last pass's bytes
 * where a new one held zeros. Proven only for the shapes whose reads are bounded by their writes:
 *
 * <ul>
 *   <li>an array filled by {@code n = in.read(b)} (or {@code read(b, 0, len)}) and read as {@code
 *       (b, 0, n)} by a stream, writer, digest, checksum, {@code new String}, {@code arraycopy};
 *   <li>a {@code ByteBuffer} written by relative puts or a channel's {@code read}, and read (relative
 *       gets, a channel's {@code write}, a charset's {@code decode}) only after a {@code flip()}.
 * </ul>
 */
final class BufferReuse {
  private BufferReuse() {}

  private static final Set<String> FILLED_FROM = Set.of("java.io.InputStream", "java.io.Reader", "java.io.RandomAccessFile");

  private static final Set<String> RANGED_READERS =
      Set.of(
          "java.io.OutputStream", "java.io.Writer", "java.io.DataOutput", "java.security.MessageDigest",
          "java.util.zip.Checksum", "javax.crypto.Mac", "java.lang.AbstractStringBuilder");

  private static final Set<String> BUFFER_QUERIES = Set.of("remaining", "hasRemaining", "position", "limit", "capacity");

  private static final String CANNOT_PROVE =
      "the pass uses the buffer in a way the rewrite cannot prove reads only what that pass wrote"
          + " (a new buffer is all zeros, a reused one holds the last pass's bytes); allocate it once"
          + " before the loop by hand where that holds";

  /** Empty when {@code uses} (all inside the loop) only read what their pass wrote; else why not. */
  static Optional<String> unsafe(BufferAllocation buffer, List<TreePath> uses, VisitorState state) {
    return buffer.kind().isByteBuffer() ? unsafeByteBuffer(uses, state) : unsafeArray(buffer, uses, state);
  }

  private static Optional<String> unsafeArray(BufferAllocation buffer, List<TreePath> uses, VisitorState state) {
    Set<Symbol> counts = new HashSet<>();
    Set<Symbol> rangedBy = new HashSet<>();
    for (TreePath use : uses) {
      Tree parent = use.getParentPath().getLeaf();
      if (parent instanceof MemberSelectTree && !isCallOn(use)) {
        continue; // b.length
      }
      Symbol count = fillCount(use, buffer.local(), state);
      if (count != null) {
        counts.add(count);
        continue;
      }
      Symbol range = rangedRead(use, state);
      if (range == null) {
        return Optional.of(CANNOT_PROVE);
      }
      rangedBy.add(range);
    }
    for (Symbol count : rangedBy) {
      if (!counts.contains(count) || !isSetOnlyByFills(count, buffer, state)) {
        return Optional.of(CANNOT_PROVE);
      }
    }
    return Optional.empty();
  }

  /** For {@code n = in.read(b)} / {@code int n = in.read(b, 0, len)} at {@code use}: {@code n}; else null. */
  private static Symbol fillCount(TreePath use, Symbol array, VisitorState state) {
    Tree parent = use.getParentPath().getLeaf();
    if (!(parent instanceof MethodInvocationTree)) {
      return null;
    }
    MethodInvocationTree call = (MethodInvocationTree) parent;
    if (!isFill(call, array, state)) {
      return null;
    }
    TreePath holder = use.getParentPath().getParentPath();
    while (holder.getLeaf() instanceof ParenthesizedTree) {
      holder = holder.getParentPath();
    }
    if (holder.getLeaf() instanceof AssignmentTree) {
      return ASTHelpers.getSymbol(((AssignmentTree) holder.getLeaf()).getVariable());
    }
    if (holder.getLeaf() instanceof VariableTree) {
      return ASTHelpers.getSymbol(holder.getLeaf());
    }
    return null;
  }

  private static boolean isFill(MethodInvocationTree call, Symbol array, VisitorState state) {
    List<? extends ExpressionTree> args = call.getArguments();
    if (!"read".contentEquals(MethodNames.simpleName(call.getMethodSelect()))
        || args.isEmpty()
        || !array.equals(ASTHelpers.getSymbol(args.get(0)))
        || !(args.size() == 1 || args.size() == 3 && isZero(args.get(1)))) {
      return false;
    }
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
    return method != null && Subtypes.ofAny(method.owner.type, FILLED_FROM, state);
  }

  /** For {@code out.write(b, 0, n)} and the like at {@code use}: the symbol of {@code n}; else null. */
  private static Symbol rangedRead(TreePath use, VisitorState state) {
    Tree parent = use.getParentPath().getLeaf();
    List<? extends ExpressionTree> args;
    boolean reader;
    if (parent instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) parent;
      args = call.getArguments();
      Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
      if (method == null) {
        return null;
      }
      String owner = method.owner.getQualifiedName().toString();
      String name = method.getSimpleName().toString();
      if (owner.equals("java.lang.System") && name.equals("arraycopy")) {
        return args.get(0) == use.getLeaf() && isZero(args.get(1)) ? localOf(args.get(4)) : null;
      }
      if (owner.equals("java.util.Arrays") && name.equals("copyOf")) {
        return args.get(0) == use.getLeaf() ? localOf(args.get(1)) : null;
      }
      reader = owner.equals("java.util.Arrays") && name.equals("copyOfRange")
          || !method.isStatic() && Subtypes.ofAny(method.owner.type, RANGED_READERS, state);
    } else if (parent instanceof NewClassTree) {
      args = ((NewClassTree) parent).getArguments();
      Symbol created = ASTHelpers.getSymbol(((NewClassTree) parent).getIdentifier());
      reader = created != null && created.getQualifiedName().contentEquals("java.lang.String");
    } else {
      return null;
    }
    int at = args.indexOf(use.getLeaf());
    if (!reader || at < 0 || at + 2 >= args.size() || !isZero(args.get(at + 1))) {
      return null;
    }
    return localOf(args.get(at + 2));
  }

  /**
   * Every write of {@code count} is a fill of the buffer, and it is declared in the pass that made
   * the buffer (so no earlier pass's count can reach a read).
   */
  private static boolean isSetOnlyByFills(Symbol count, BufferAllocation buffer, VisitorState state) {
    TreePath scope = EnclosingCode.methodOrLambdaPath(buffer.declaration());
    Optional<TreePath> declaration = SymbolUses.declarationWithin(scope, count);
    TreePath pass = Loops.innermost(buffer.declaration());
    if (declaration.isEmpty() || pass == null || !SymbolUses.isWithin(declaration.get(), Loops.body(pass.getLeaf()))) {
      return false;
    }
    ExpressionTree initializer = ((VariableTree) declaration.get().getLeaf()).getInitializer();
    if (initializer != null && !isFillCall(initializer, buffer.local(), state)) {
      return false;
    }
    for (TreePath use : SymbolUses.within(scope, count)) {
      Tree parent = use.getParentPath().getLeaf();
      if (Writes.isWrite(parent) && count.equals(Writes.target(parent))
          && !(parent instanceof AssignmentTree && isFillCall(((AssignmentTree) parent).getExpression(), buffer.local(), state))) {
        return false; // n += …, n = 0: the range no longer matches what the pass read
      }
    }
    return true;
  }

  private static boolean isFillCall(ExpressionTree expression, Symbol array, VisitorState state) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(expression);
    return stripped instanceof MethodInvocationTree && isFill((MethodInvocationTree) stripped, array, state);
  }

  private static Optional<String> unsafeByteBuffer(List<TreePath> uses, VisitorState state) {
    int flippedAt = Integer.MAX_VALUE;
    for (TreePath use : uses) {
      Tree parent = use.getParentPath().getLeaf();
      if (isCallOn(use) && "flip".contentEquals(((MemberSelectTree) parent).getIdentifier())) {
        flippedAt = Math.min(flippedAt, ASTHelpers.getStartPosition(use.getLeaf()));
      }
    }
    for (TreePath use : uses) {
      Access access = byteBufferAccess(use, state);
      if (access == Access.UNKNOWN
          || access == Access.READ && ASTHelpers.getStartPosition(use.getLeaf()) < flippedAt) {
        return Optional.of(CANNOT_PROVE);
      }
    }
    return Optional.empty();
  }

  private enum Access {
    WRITE_OR_QUERY,
    READ,
    UNKNOWN
  }

  private static Access byteBufferAccess(TreePath use, VisitorState state) {
    TreePath parentPath = use.getParentPath();
    Tree parent = parentPath.getLeaf();
    if (parent instanceof MemberSelectTree && isCallOn(use)) {
      MethodInvocationTree call = (MethodInvocationTree) parentPath.getParentPath().getLeaf();
      boolean statement = parentPath.getParentPath().getParentPath().getLeaf() instanceof ExpressionStatementTree;
      Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
      String name = ((MemberSelectTree) parent).getIdentifier().toString();
      if (method == null) {
        return Access.UNKNOWN;
      }
      if (BUFFER_QUERIES.contains(name) && call.getArguments().isEmpty()) {
        return Access.WRITE_OR_QUERY;
      }
      if ((name.equals("clear") || name.equals("flip")) && statement) {
        return Access.WRITE_OR_QUERY;
      }
      boolean indexed = !method.getParameters().isEmpty()
          && method.getParameters().get(0).type.getKind() == javax.lang.model.type.TypeKind.INT;
      if (name.startsWith("put") && statement && !(indexed && method.getParameters().size() >= 2)) {
        return Access.WRITE_OR_QUERY;
      }
      if (name.startsWith("get") && !indexed && (statement || call.getArguments().isEmpty())) {
        return Access.READ;
      }
      return Access.UNKNOWN;
    }
    if (parent instanceof MethodInvocationTree) {
      MethodInvocationTree call = (MethodInvocationTree) parent;
      Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
      if (method == null || method.isStatic() || call.getArguments().get(0) != use.getLeaf()) {
        return Access.UNKNOWN;
      }
      String name = method.getSimpleName().toString();
      Type owner = method.owner.type;
      if (name.equals("read") && Subtypes.ofAny(owner, Set.of("java.nio.channels.ReadableByteChannel"), state)) {
        return Access.WRITE_OR_QUERY;
      }
      if (name.equals("write") && Subtypes.ofAny(owner, Set.of("java.nio.channels.WritableByteChannel"), state)
          || name.equals("decode")
              && Subtypes.ofAny(owner, Set.of("java.nio.charset.Charset", "java.nio.charset.CharsetDecoder"), state)) {
        return Access.READ;
      }
    }
    return Access.UNKNOWN;
  }

  /** Whether {@code use} is the receiver of a method call: {@code use.m(…)}. */
  static boolean isCallOn(TreePath use) {
    Tree parent = use.getParentPath().getLeaf();
    Tree grandParent = use.getParentPath().getParentPath().getLeaf();
    return parent instanceof MemberSelectTree
        && grandParent instanceof MethodInvocationTree
        && ((MethodInvocationTree) grandParent).getMethodSelect() == parent;
  }

  private static boolean isZero(ExpressionTree tree) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(tree);
    return stripped instanceof LiteralTree && Integer.valueOf(0).equals(((LiteralTree) stripped).getValue());
  }

  private static Symbol localOf(ExpressionTree tree) {
    ExpressionTree stripped = ASTHelpers.stripParentheses(tree);
    return stripped instanceof IdentifierTree ? ASTHelpers.getSymbol(stripped) : null;
  }
}
