package dev.slowpath.checks;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.ExpressionStatementTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.PrimitiveTypeTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Symbol;
import java.util.Optional;
import javax.lang.model.element.ElementKind;
import javax.lang.model.type.TypeKind;

/**
 * A buffer allocation that starts a local variable: {@code byte[] b = new byte[n]}, {@code char[]
 * c = new char[n]}, {@code ByteBuffer b = ByteBuffer.allocate(n)} or {@code allocateDirect(n)}.
 * Buffers made any other way (straight into a field, a call, a return) are not this check's shape.
 */
record BufferAllocation(Kind kind, ExpressionTree allocation, TreePath declaration, Symbol local, Integer bytes) {
  /** Made in an assignment after the local's declaration ({@code byte[] buf = null; … buf = new byte[n];}). */
  boolean assigned() {
    return !(declaration.getLeaf() instanceof VariableTree);
  }

  enum Kind {
    ARRAY,
    HEAP_BYTE_BUFFER,
    DIRECT_BYTE_BUFFER;

    boolean isByteBuffer() {
      return this != ARRAY;
    }
  }

  /**
   * {@code new byte[n]} or {@code new char[n]} of a constant size of at least {@code minBytes} at
   * {@code path}, when it starts a local. The size is tested first: this runs for every array.
   */
  static Optional<BufferAllocation> ofArray(NewArrayTree array, int minBytes, TreePath path) {
    if (array.getDimensions().size() != 1 || array.getInitializers() != null || !(array.getType() instanceof PrimitiveTypeTree)) {
      return Optional.empty();
    }
    TypeKind element = ((PrimitiveTypeTree) array.getType()).getPrimitiveTypeKind();
    int width = element == TypeKind.BYTE ? 1 : element == TypeKind.CHAR ? 2 : 0;
    if (width == 0) {
      return Optional.empty();
    }
    Integer length = constantInt(array.getDimensions().get(0));
    if (length == null || (long) length * width < minBytes) {
      return Optional.empty();
    }
    return startingLocal(Kind.ARRAY, array, path, length * width);
  }

  /** {@code ByteBuffer.allocate(n)} or {@code ByteBuffer.allocateDirect(n)} at {@code path}, when it starts a local. */
  static Optional<BufferAllocation> ofByteBuffer(MethodInvocationTree call, boolean direct, TreePath path) {
    if (call.getArguments().size() != 1) {
      return Optional.empty();
    }
    Integer bytes = constantInt(call.getArguments().get(0));
    return startingLocal(direct ? Kind.DIRECT_BYTE_BUFFER : Kind.HEAP_BYTE_BUFFER, call, path, bytes);
  }

  private static Optional<BufferAllocation> startingLocal(Kind kind, ExpressionTree allocation, TreePath path, Integer bytes) {
    TreePath holder = path.getParentPath();
    while (holder != null && holder.getLeaf() instanceof ParenthesizedTree) {
      holder = holder.getParentPath();
    }
    if (holder != null
        && holder.getLeaf() instanceof AssignmentTree
        && holder.getParentPath().getLeaf() instanceof ExpressionStatementTree) {
      return assignedLocal(kind, allocation, holder.getParentPath(), (AssignmentTree) holder.getLeaf(), bytes);
    }
    if (holder == null || !(holder.getLeaf() instanceof VariableTree)) {
      return Optional.empty();
    }
    VariableTree variable = (VariableTree) holder.getLeaf();
    Symbol local = ASTHelpers.getSymbol(variable);
    if (local == null || local.getKind() != ElementKind.LOCAL_VARIABLE
        || ASTHelpers.stripParentheses(variable.getInitializer()) != allocation) {
      return Optional.empty();
    }
    return Optional.of(new BufferAllocation(kind, allocation, holder, local, bytes));
  }

  /**
   * {@code buf = new byte[8192];} where {@code buf} is a local declared without a buffer (no value,
   * or {@code null}) and given none elsewhere: the same per-call buffer, written in two steps.
   */
  private static Optional<BufferAllocation> assignedLocal(
      Kind kind, ExpressionTree allocation, TreePath statement, AssignmentTree assignment, Integer bytes) {
    Symbol local = ASTHelpers.getSymbol(assignment.getVariable());
    TreePath scope = EnclosingCode.methodOrLambdaPath(statement);
    if (local == null || local.getKind() != ElementKind.LOCAL_VARIABLE || scope == null) {
      return Optional.empty();
    }
    Optional<TreePath> declared = SymbolUses.declarationWithin(scope, local);
    if (declared.isEmpty() || !(declared.get().getLeaf() instanceof VariableTree)) {
      return Optional.empty();
    }
    ExpressionTree initial = ((VariableTree) declared.get().getLeaf()).getInitializer();
    if (initial != null && initial.getKind() != Tree.Kind.NULL_LITERAL) {
      return Optional.empty();
    }
    for (TreePath use : SymbolUses.within(scope, local)) {
      Tree parent = use.getParentPath().getLeaf();
      if (parent instanceof AssignmentTree
          && ((AssignmentTree) parent).getVariable() == use.getLeaf()
          && parent != assignment
          && ((AssignmentTree) parent).getExpression().getKind() != Tree.Kind.NULL_LITERAL) {
        return Optional.empty(); // given another buffer too
      }
    }
    return Optional.of(new BufferAllocation(kind, allocation, statement, local, bytes));
  }

  private static Integer constantInt(Tree size) {
    Object value = ASTHelpers.constValue(size);
    return value instanceof Integer ? (Integer) value : null;
  }

  /** The size in words: "8 KiB", "1 MiB", "1000 bytes"; "a computed size" when not a constant. */
  String describedSize() {
    if (bytes == null) {
      return "computed-size";
    }
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + "-byte";
  }
}
