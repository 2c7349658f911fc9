package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.LabeledStatementTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import java.util.List;
import java.util.Optional;

/**
 * The loop fix of BufferPerCall: the buffer's declaration moves to just before the outermost loop
 * of the method (so one patch run is enough: no loop is left that makes it again); an array's old
 * declaration goes, a {@code ByteBuffer}'s becomes {@code clear()}, which puts position, limit and
 * mark back where a new buffer has them.
 */
final class BufferHoist {
  private BufferHoist() {}

  static Optional<SuggestedFix> of(
      BufferAllocation buffer, TreePath outermostLoop, List<TreePath> uses, VisitorState state, StringBuilder why) {
    if (buffer.assigned()) {
      why.append("the buffer is assigned after its declaration; declare it with its buffer before the loop by hand");
      return Optional.empty();
    }
    if (buffer.bytes() == null) {
      why.append("the size is computed on each pass; allocate the largest size once before the loop by hand");
      return Optional.empty();
    }
    if (!SymbolUses.isFinalLocal(buffer.local())) {
      why.append("the variable is assigned again in the loop");
      return Optional.empty();
    }
    TreePath statement = outermostLoop;
    while (statement.getParentPath().getLeaf() instanceof LabeledStatementTree) {
      statement = statement.getParentPath();
    }
    CharSequence source = state.getSourceCode();
    int start = ASTHelpers.getStartPosition(statement.getLeaf());
    String indent = source == null ? null : Indentation.before(source, start);
    if (!(statement.getParentPath().getLeaf() instanceof BlockTree) || indent == null) {
      why.append("the loop is not a statement of its own in a block");
      return Optional.empty();
    }
    if (!nameIsFree(buffer, statement)) {
      why.append("another variable or field of the same name is used there");
      return Optional.empty();
    }
    Optional<String> unsafe = BufferReuse.unsafe(buffer, uses, state);
    if (unsafe.isPresent()) {
      why.append(unsafe.get());
      return Optional.empty();
    }
    VariableTree declaration = (VariableTree) buffer.declaration().getLeaf();
    String text = state.getSourceForNode(declaration);
    if (text == null) {
      return Optional.empty();
    }
    text = text.endsWith(";") ? text : text + ";";
    SuggestedFix.Builder fix = SuggestedFix.builder().prefixWith(statement.getLeaf(), text + "\n" + indent);
    if (buffer.kind().isByteBuffer()) {
      fix.replace(declaration, declaration.getName() + ".clear();");
      return Optional.of(fix.build());
    }
    return StatementRemoval.removeStatement(buffer.declaration(), state).map(removal -> fix.merge(removal).build());
  }

  /**
   * Whether the buffer's name means the buffer wherever it will be in scope: no other declaration
   * of the name in the method, and no use of the name in the loop that meant something else.
   */
  private static boolean nameIsFree(BufferAllocation buffer, TreePath loopStatement) {
    TreePath scope = EnclosingCode.methodOrLambdaPath(loopStatement);
    String name = buffer.local().getSimpleName().toString();
    boolean[] clash = new boolean[1];
    TreeSearch.anyMatch(
        scope.getLeaf(),
        node -> {
          if (node instanceof VariableTree && node != buffer.declaration().getLeaf()
              && ((VariableTree) node).getName().contentEquals(name)) {
            clash[0] = true;
          }
          if (node instanceof IdentifierTree && ((IdentifierTree) node).getName().contentEquals(name)
              && !buffer.local().equals(ASTHelpers.getSymbol(node))) {
            clash[0] = true;
          }
          return clash[0];
        });
    return !clash[0];
  }
}
