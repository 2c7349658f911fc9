package dev.slowpath.checks;

import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberReferenceTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;

/** The cheap first filter of every check: a call's simple name, read off the tree, no types. */
final class MethodNames {
  private MethodNames() {}

  static boolean isNoArgCallNamed(MethodInvocationTree call, String name) {
    return call.getArguments().isEmpty() && name.contentEquals(simpleName(call.getMethodSelect()));
  }

  static boolean isReferenceNamed(MemberReferenceTree reference, String name) {
    return reference.getName() != null && reference.getName().contentEquals(name);
  }

  static CharSequence simpleName(ExpressionTree methodSelect) {
    if (methodSelect instanceof MemberSelectTree) {
      return ((MemberSelectTree) methodSelect).getIdentifier();
    }
    if (methodSelect instanceof IdentifierTree) {
      return ((IdentifierTree) methodSelect).getName();
    }
    return "";
  }
}
