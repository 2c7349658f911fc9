package dev.slowpath.checks;

import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.BlockTree;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.LambdaExpressionTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import java.util.Locale;
import java.util.Set;
import javax.lang.model.element.Modifier;

/**
 * Code that runs once per object or per program, not per call: constructors, field and static
 * initializers, {@code main}, and life-cycle methods by their conventional names ({@code start},
 * {@code init}, {@code open}, {@code afterPropertiesSet}, {@code @PostConstruct}, …). Creating a
 * timer, a thread or a pool there is set-up, not a per-call cost.
 */
final class OneTimeCode {
  private OneTimeCode() {}

  private static final Set<String> LIFE_CYCLE_NAMES =
      Set.of(
          "start", "startup", "init", "initialize", "initialise", "open", "activate", "setup", "configure",
          "afterpropertiesset", "postconstruct", "oncreate", "onstart", "main");

  private static final Set<String> TEARDOWN_NAMES = Set.of("close", "shutdown", "stop", "destroy", "dispose");

  private static final Set<String> LIFE_CYCLE_PREFIXES = Set.of("init", "start", "setup");

  private static final Set<String> LIFE_CYCLE_ANNOTATIONS =
      Set.of("javax.annotation.PostConstruct", "jakarta.annotation.PostConstruct");

  /**
   * Whether the code at {@code path} is a static field's initializer or a {@code static} block
   * itself (not a lambda or class written there): it runs once per class, when the class is
   * initialized.
   */
  static boolean inStaticInitializer(TreePath path) {
    for (TreePath p = path; p != null && p.getParentPath() != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree || leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
        return false;
      }
      if (p.getParentPath().getLeaf() instanceof ClassTree) {
        if (leaf instanceof VariableTree) {
          return ((VariableTree) leaf).getModifiers().getFlags().contains(Modifier.STATIC);
        }
        return leaf instanceof BlockTree && ((BlockTree) leaf).isStatic();
      }
    }
    return false;
  }

  /**
   * Whether the code at {@code path} runs once: its method (the one a lambda or local class is
   * written in counts) is a constructor or a life-cycle method, or it is in an initializer.
   */
  static boolean contains(TreePath path) {
    for (TreePath p = path; p != null; p = p.getParentPath()) {
      Tree leaf = p.getLeaf();
      if (leaf instanceof MethodTree) {
        return isOneTime((MethodTree) leaf);
      }
      if (leaf instanceof VariableTree && p.getParentPath() != null && p.getParentPath().getLeaf() instanceof ClassTree) {
        return true; // a field initializer
      }
      if (leaf instanceof BlockTree && p.getParentPath() != null && p.getParentPath().getLeaf() instanceof ClassTree) {
        return true; // an initializer block
      }
      if (leaf instanceof LambdaExpressionTree || leaf instanceof ClassTree) {
        continue; // a lambda or local class runs where its enclosing method runs it
      }
    }
    return false;
  }

  /**
   * Whether {@code path} is in a close or shutdown method's own code: it runs once per object's
   * life, like start-up code. Kept apart from {@link #contains}: each check decides whether its
   * cost still matters on the way out.
   */
  static boolean isTeardown(TreePath path) {
    MethodTree method = EnclosingCode.method(path);
    return method != null && TEARDOWN_NAMES.contains(method.getName().toString());
  }

  private static boolean isOneTime(MethodTree method) {
    Symbol.MethodSymbol symbol = ASTHelpers.getSymbol(method);
    if (symbol == null) {
      return false;
    }
    if (symbol.isConstructor() || symbol.isStaticOrInstanceInit()) {
      return true;
    }
    for (Attribute.Compound annotation : symbol.getAnnotationMirrors()) {
      if (LIFE_CYCLE_ANNOTATIONS.contains(annotation.type.tsym.getQualifiedName().toString())) {
        return true;
      }
    }
    String name = method.getName().toString();
    String lower = name.toLowerCase(Locale.ROOT);
    if (LIFE_CYCLE_NAMES.contains(lower)) {
      return true;
    }
    for (String prefix : LIFE_CYCLE_PREFIXES) {
      if (lower.startsWith(prefix) && name.length() > prefix.length() && Character.isUpperCase(name.charAt(prefix.length()))) {
        return true;
      }
    }
    return false;
  }
}
