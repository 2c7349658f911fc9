package dev.slowpath.checks;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.NewArrayTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import com.sun.tools.javac.code.TypeTag;
import com.sun.tools.javac.tree.JCTree.JCMethodInvocation;
import java.util.ArrayList;
import java.util.List;

/**
 * The arguments of a call that javac boxes and whose box may be a new object: a primitive passed
 * where the method takes an object — a parameter, the varargs array, or an explicit {@code new
 * Object[] {…}} — when it is not a constant. {@code Boolean.valueOf} and {@code Byte.valueOf} never
 * allocate (every value is cached); {@code Short}, {@code Character}, {@code Integer} and {@code
 * Long.valueOf} allocate outside -128..127 ({@code Integer.IntegerCache}); {@code Float} and {@code
 * Double.valueOf} always do.
 */
final class BoxedArguments {
  private BoxedArguments() {}

  static List<ExpressionTree> allocating(MethodInvocationTree call) {
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null) {
      return List.of();
    }
    List<Symbol.VarSymbol> params = method.getParameters();
    Type varargsElement = ((JCMethodInvocation) call).varargsElement;
    List<ExpressionTree> boxed = new ArrayList<>();
    List<? extends ExpressionTree> args = call.getArguments();
    for (int i = 0; i < args.size(); i++) {
      ExpressionTree arg = args.get(i);
      Type param =
          varargsElement != null && i >= params.size() - 1
              ? varargsElement
              : i < params.size() ? params.get(i).type : null;
      if (param == null) {
        continue;
      }
      if (!param.isPrimitive() && allocatesWhenBoxed(arg)) {
        boxed.add(arg);
      }
      if (arg instanceof NewArrayTree && ((NewArrayTree) arg).getInitializers() != null) {
        for (ExpressionTree element : ((NewArrayTree) arg).getInitializers()) {
          Type elementType = ASTHelpers.getType(arg);
          if (elementType instanceof Type.ArrayType
              && !((Type.ArrayType) elementType).elemtype.isPrimitive()
              && allocatesWhenBoxed(element)) {
            boxed.add(element);
          }
        }
      }
    }
    return boxed;
  }

  /** Whether boxing {@code expression}'s value may allocate: see the class comment. */
  static boolean allocatesWhenBoxed(ExpressionTree expression) {
    Type type = ASTHelpers.getType(expression);
    if (type == null || !type.isPrimitive() || ASTHelpers.constValue(expression) != null) {
      return false;
    }
    TypeTag tag = type.getTag();
    return tag != TypeTag.BOOLEAN && tag != TypeTag.BYTE;
  }
}
