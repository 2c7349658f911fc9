package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.AssignmentTree;
import com.sun.source.tree.BinaryTree;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.CompoundAssignmentTree;
import com.sun.source.tree.ConditionalExpressionTree;
import com.sun.source.tree.EnhancedForLoopTree;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.source.tree.ParenthesizedTree;
import com.sun.source.tree.ReturnTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.TypeCastTree;
import com.sun.source.tree.UnaryTree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * A local or private field of a box type ({@code Long}, {@code Integer}, {@code Double}, …) that
 * a loop updates: every {@code +=}, {@code ++} or {@code x = x + …} unboxes it, computes, and boxes
 * the result again — {@code Long.valueOf} and friends allocate outside their cache. It becomes the
 * primitive only where that cannot change what the code does: it never holds null (no null
 * assigned, compared, or left as a field's default), nothing boxed that could be null is assigned
 * to it, and every use reads it as a number (arithmetic, numeric comparison, a primitive parameter,
 * string concatenation, an assignment, an array element or a return, which box it once). A method call on it, a
 * reference parameter (overloads: {@code List.remove(Integer)} against {@code remove(int)}) or
 * {@code ==} against another box keeps the report without a fix.
 *
 * @param primitive the primitive to declare it as: {@code long}
 * @param noFix why the declaration cannot simply become the primitive, or null when it can
 */
record BoxedAccumulator(VariableTree declaration, String primitive, String noFix) {

  /** The accumulator {@code declaration} (of symbol {@code variable}) is, if it is one. */
  static Optional<BoxedAccumulator> of(VariableTree declaration, Symbol.VarSymbol variable, TreePath scope, VisitorState state) {
    Type unboxed = state.getTypes().unboxedType(variable.type);
    if (unboxed == null || !unboxed.isPrimitive() || unboxed.getTag() == TypeTag.BOOLEAN) {
      return Optional.empty();
    }
    // The caller has kept locals and private fields that are neither final nor volatile.
    boolean field = variable.getKind() == ElementKind.FIELD;
    if (!field && state.getPath().getParentPath().getLeaf() instanceof EnhancedForLoopTree) {
      return Optional.empty();
    }
    ExpressionTree initializer = declaration.getInitializer();
    if (initializer != null && isNull(initializer)) {
      return Optional.empty();
    }
    String noFix = null;
    if (initializer == null ? field : !isPrimitive(initializer)) {
      noFix = "it may hold null (" + (initializer == null ? "a field's default" : "a box from elsewhere") + ")";
    } else if (!declaresAlone(declaration, state)) {
      noFix = "it is declared together with another variable of the same type";
    } else if (field && (!declaration.getModifiers().getAnnotations().isEmpty() || serialized(variable, state))) {
      noFix = "its type is part of an annotated or serialized form";
    }
    boolean updatedInLoop = false;
    for (TreePath use : SymbolUses.within(scope, variable)) {
      switch (role(use, variable)) {
        case NULL:
          return Optional.empty(); // an optional value: the box is its point
        case UPDATE:
          updatedInLoop |= !Loops.enclosing(use).isEmpty() || (field && calledFromALoop(use, state));
          if (field && noFix == null && CriticalSection.around(use, state).isPresent()) {
            // CounterUnderLock rewrites a primitive counter bumped under a lock: retyping it here
            // would hand that check a second rewrite, and patch mode would not converge in one run.
            noFix = "it is also updated under a lock, where a LongAdder or an atomic serves better (see CounterUnderLock)";
          }
          break;
        case NUMBER:
          break;
        case MAYBE_NULL:
          noFix = noFix == null ? "a box that may be null is assigned to it" : noFix;
          break;
        case OBJECT:
          noFix = noFix == null ? "it is used as an object (a method called on it, a reference parameter, or == against a box)" : noFix;
          break;
      }
    }
    if (!updatedInLoop) {
      return Optional.empty();
    }
    return Optional.of(new BoxedAccumulator(declaration, unboxed.toString(), noFix));
  }

  /**
   * A field updated in a method that a loop of this file calls once per value: {@code
   * aggregator.addValue(v)} in a loop over cells, reaching an anonymous class's {@code addValue}
   * through the method it overrides.
   */
  private static boolean calledFromALoop(TreePath update, VisitorState state) {
    MethodTree method = EnclosingCode.method(update);
    Symbol.MethodSymbol symbol = method == null ? null : ASTHelpers.getSymbol(method);
    if (symbol == null) {
      return false;
    }
    Set<Symbol> targets = new HashSet<>(ASTHelpers.findSuperMethods(symbol, state.getTypes()));
    targets.add(symbol);
    return TreeSearch.anyMatch(
        state.getPath().getCompilationUnit(),
        node -> node instanceof MethodInvocationTree && targets.contains(ASTHelpers.getSymbol(node)) && isInALoop(node, state));
  }

  private static boolean isInALoop(Tree call, VisitorState state) {
    TreePath path = TreePath.getPath(state.getPath().getCompilationUnit(), call);
    return path != null && Loops.enclosing(path).stream().anyMatch(loop -> !Loops.runsAFewTimes(loop.getLeaf()));
  }

  Optional<SuggestedFix> fix() {
    return noFix == null ? Optional.of(SuggestedFix.replace(declaration.getType(), primitive)) : Optional.empty();
  }

  private enum Role {
    UPDATE,
    NUMBER,
    NULL,
    MAYBE_NULL,
    OBJECT
  }

  private static Role role(TreePath use, Symbol variable) {
    Tree self = use.getLeaf();
    TreePath parentPath = use.getParentPath();
    while (parentPath.getLeaf() instanceof ParenthesizedTree) {
      self = parentPath.getLeaf();
      parentPath = parentPath.getParentPath();
    }
    Tree parent = parentPath.getLeaf();
    if (parent instanceof CompoundAssignmentTree) {
      return ((CompoundAssignmentTree) parent).getVariable() == self ? Role.UPDATE : Role.NUMBER;
    }
    if (parent instanceof UnaryTree) {
      Tree.Kind kind = parent.getKind();
      boolean step =
          kind == Tree.Kind.PREFIX_INCREMENT
              || kind == Tree.Kind.POSTFIX_INCREMENT
              || kind == Tree.Kind.PREFIX_DECREMENT
              || kind == Tree.Kind.POSTFIX_DECREMENT;
      return step ? Role.UPDATE : kind == Tree.Kind.LOGICAL_COMPLEMENT ? Role.OBJECT : Role.NUMBER;
    }
    if (parent instanceof AssignmentTree) {
      AssignmentTree assignment = (AssignmentTree) parent;
      if (assignment.getVariable() != self) {
        return Role.NUMBER; // boxed once by the assignment, as before
      }
      ExpressionTree value = assignment.getExpression();
      if (isNull(value)) {
        return Role.NULL;
      }
      if (!isPrimitive(value)) {
        return Role.MAYBE_NULL;
      }
      return SymbolUses.within(new TreePath(parentPath, value), variable).isEmpty() ? Role.NUMBER : Role.UPDATE;
    }
    if (parent instanceof BinaryTree) {
      BinaryTree binary = (BinaryTree) parent;
      ExpressionTree other = binary.getLeftOperand() == self ? binary.getRightOperand() : binary.getLeftOperand();
      if (parent.getKind() == Tree.Kind.EQUAL_TO || parent.getKind() == Tree.Kind.NOT_EQUAL_TO) {
        return isNull(other) ? Role.NULL : isPrimitive(other) ? Role.NUMBER : Role.OBJECT;
      }
      return Role.NUMBER; // arithmetic, shifts, <, >=, and string concatenation print the same digits
    }
    if (parent instanceof ConditionalExpressionTree && ((ConditionalExpressionTree) parent).getCondition() != self) {
      // Numeric either way only if the other branch is a primitive: Long : Long is a reference
      // conditional, which a primitive branch would turn into an unboxing one.
      ConditionalExpressionTree conditional = (ConditionalExpressionTree) parent;
      ExpressionTree other =
          conditional.getTrueExpression() == self ? conditional.getFalseExpression() : conditional.getTrueExpression();
      return isPrimitive(other) ? Role.NUMBER : Role.OBJECT;
    }
    if (parent instanceof VariableTree || parent instanceof ReturnTree || parent instanceof NewArrayTree) {
      return Role.NUMBER;
    }
    if (parent instanceof TypeCastTree) {
      Type target = ASTHelpers.getType(parent);
      return target != null && target.isPrimitive() ? Role.NUMBER : Role.OBJECT;
    }
    if (parent instanceof MethodInvocationTree && ((MethodInvocationTree) parent).getArguments().contains(self)) {
      return primitiveParameter((MethodInvocationTree) parent, self) ? Role.NUMBER : Role.OBJECT;
    }
    return Role.OBJECT;
  }

  private static boolean primitiveParameter(MethodInvocationTree call, Tree arg) {
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
    int index = call.getArguments().indexOf(arg);
    if (method == null || method.isVarArgs() || index >= method.getParameters().size()) {
      return false;
    }
    return method.getParameters().get(index).type.isPrimitive();
  }

  /** A field of a {@code Serializable} class: its type is part of the serialized form. */
  private static boolean serialized(Symbol.VarSymbol field, VisitorState state) {
    return (field.flags() & Flags.TRANSIENT) == 0
        && Subtypes.ofAny(field.owner.type, java.util.Set.of("java.io.Serializable"), state);
  }

  private static boolean isNull(ExpressionTree tree) {
    return ASTHelpers.stripParentheses(tree).getKind() == Tree.Kind.NULL_LITERAL;
  }

  private static boolean isPrimitive(ExpressionTree tree) {
    Type type = ASTHelpers.getType(tree);
    return type != null && type.isPrimitive();
  }

  /**
   * Whether the declaration has its own type: in {@code Long a = 0L, b = 0L;} javac gives both
   * variables one type tree, and retyping one would retype both.
   */
  private static boolean declaresAlone(VariableTree declaration, VisitorState state) {
    Tree parent = state.getPath().getParentPath().getLeaf();
    List<? extends Tree> siblings =
        parent instanceof BlockTree
            ? ((BlockTree) parent).getStatements()
            : parent instanceof com.sun.source.tree.ClassTree ? ((com.sun.source.tree.ClassTree) parent).getMembers() : List.<StatementTree>of();
    int typeStart = ASTHelpers.getStartPosition(declaration.getType());
    return siblings.stream()
        .filter(sibling -> sibling != declaration && sibling instanceof VariableTree)
        .noneMatch(sibling -> ASTHelpers.getStartPosition(((VariableTree) sibling).getType()) == typeStart);
  }
}
