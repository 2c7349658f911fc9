package dev.slowpath.checks;
import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.google.errorprone.util.Signatures;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Symbol.MethodSymbol;
import dev.slowpath.checks.Profile.Place;
import java.util.Optional;
import javax.lang.model.element.Modifier;
/**
 * The method a finding is in, as the JVM and so a recording names it: the class's binary name,
 * the method's name and, where the name alone is ambiguous, its JVM descriptor ({@code byName}
 * says the name is enough: one method of that name, or code in a lambda, whose frames carry only
 * the name of the method it was written in).
 */
record JvmMethod(String type, String name, String descriptor, boolean byName) {
  /** Where the recording credited this method, or null when it never saw it. */
  Place in(Profile profile) {
    if (byName || descriptor == null) {
      return profile.methodsNamed(type, name);
    }
    return profile.method(type, name, descriptor);
  }

  /** The method or initializer whose code {@code path} is in; empty outside any class. */
  static Optional<JvmMethod> of(TreePath path, VisitorState state) {
    boolean inLambda = false;
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof LambdaExpressionTree) {
        inLambda = true;
      } else if (leaf instanceof MethodTree) {
        MethodSymbol method = ASTHelpers.getSymbol((MethodTree) leaf);
        return method == null ? Optional.empty() : Optional.of(of(method, inLambda, state));
      } else if (leaf instanceof ClassTree) {
        ClassSymbol type = ASTHelpers.getSymbol((ClassTree) leaf);
        if (type == null) {
          return Optional.empty();
        }
        // Field initializers and initializer blocks run in every constructor, or in <clinit>.
        Tree member = p == path ? null : childOf(path, p).getLeaf();
        boolean isStatic = member instanceof VariableTree
            ? ((VariableTree) member).getModifiers().getFlags().contains(Modifier.STATIC)
            : member instanceof BlockTree && ((BlockTree) member).isStatic();
        return Optional.of(new JvmMethod(type.flatName().toString(), isStatic ? "<clinit>" : "<init>", null, true));
      }
    }
    return Optional.empty();
  }

  private static JvmMethod of(MethodSymbol method, boolean inLambda, VisitorState state) {
    ClassSymbol owner = method.enclClass();
    String type = owner.flatName().toString();
    String name = method.getSimpleName().toString();
    // Lambda frames carry only the name of the method they were written in; so does an
    // unambiguous name, which also covers constructors with parameters javac adds.
    if (inLambda || !isOverloaded(method, owner)) {
      return new JvmMethod(type, name, null, true);
    }
    return new JvmMethod(type, name, jvmDescriptor(method, owner, state), false);
  }

  private static boolean isOverloaded(MethodSymbol method, ClassSymbol owner) {
    int count = 0;
    for (Symbol member : owner.members().getSymbolsByName(method.name)) {
      if (member instanceof MethodSymbol && (member.flags() & Flags.SYNTHETIC) == 0) {
        count++;
      }
    }
    return count > 1;
  }

  private static String jvmDescriptor(MethodSymbol method, ClassSymbol owner, VisitorState state) {
    String descriptor = Signatures.descriptor(method.type, state);
    if (!method.isConstructor()) {
      return descriptor;
    }
    // Constructors the JVM sees with parameters javac adds in front of the declared ones.
    if ((owner.flags() & Flags.ENUM) != 0) {
      return "(Ljava/lang/String;I" + descriptor.substring(1);
    }
    if (owner.hasOuterInstance()) {
      String outer = owner.type.getEnclosingType().tsym.flatName().toString().replace('.', '/');
      return "(L" + outer + ";" + descriptor.substring(1);
    }
    return descriptor;
  }

  private static TreePath childOf(TreePath path, TreePath ancestor) {
    TreePath child = path;
    while (child.getParentPath() != ancestor) {
      child = child.getParentPath();
    }
    return child;
  }
}
