package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.sun.source.tree.ClassTree;
import com.sun.source.tree.CompilationUnitTree;
import com.sun.source.tree.MethodTree;
import com.sun.source.tree.Tree;
import com.sun.tools.javac.code.Attribute;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Symbol.ClassSymbol;
import com.sun.tools.javac.code.Type;
import com.google.errorprone.util.ASTHelpers;
import java.net.URI;
import java.util.Set;
import javax.lang.model.element.ElementKind;

/**
 * Test and JMH benchmark code: where forcing a GC, measuring with stack traces or yielding is the
 * point. Every Slowpath check stays silent here unless its page says otherwise.
 */
final class NonProductionCode {
  private static final Set<String> SOURCE_SETS =
      Set.of("/src/test/", "/src/jmh/", "/src/testFixtures/", "/src/it/", "/src/integrationTest/");

  private static final Set<String> TEST_ANNOTATIONS =
      Set.of(
          "org.junit.Test",
          "org.junit.jupiter.api.Test",
          "org.junit.jupiter.api.RepeatedTest",
          "org.junit.jupiter.api.TestFactory",
          "org.junit.jupiter.api.TestTemplate",
          "org.junit.jupiter.params.ParameterizedTest",
          "org.testng.annotations.Test");

  private static final String JMH_ANNOTATIONS = "org.openjdk.jmh.annotations.";

  /**
   * Package segments of test and benchmark support shipped as main code: guava-testlib's
   * {@code com.google.common.testing}, JMH's own {@code org.openjdk.jmh.runner}.
   */
  private static final Set<String> SUPPORT_PACKAGE_SEGMENTS =
      Set.of("test", "tests", "testing", "testlib", "testutil", "testutils", "testkit", "jmh", "benchmark", "benchmarks");

  private NonProductionCode() {}

  /** Whether the tree at {@code state}'s path is in test or benchmark code. */
  static boolean contains(VisitorState state) {
    if (state.errorProneOptions().isTestOnlyTarget()
        || isInTestSourceSet(state)
        || isInSupportPackage(state)) {
      return true;
    }
    for (Tree enclosing : state.getPath()) {
      if (enclosing instanceof MethodTree
          && hasTestOrBenchmarkAnnotation(ASTHelpers.getSymbol((MethodTree) enclosing))) {
        return true;
      }
      if (enclosing instanceof ClassTree && isTestOrBenchmarkClass((ClassTree) enclosing, state)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isInTestSourceSet(VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    if (unit == null || unit.getSourceFile() == null) {
      return false;
    }
    URI uri = unit.getSourceFile().toUri();
    String path = uri == null ? null : uri.getPath();
    if (path == null) {
      return false;
    }
    String normalized = path.replace('\\', '/');
    return SOURCE_SETS.stream().anyMatch(normalized::contains);
  }

  private static boolean isInSupportPackage(VisitorState state) {
    CompilationUnitTree unit = state.getPath().getCompilationUnit();
    if (unit == null || unit.getPackageName() == null) {
      return false;
    }
    for (String segment : unit.getPackageName().toString().split("\\.")) {
      if (SUPPORT_PACKAGE_SEGMENTS.contains(segment)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isTestOrBenchmarkClass(ClassTree tree, VisitorState state) {
    ClassSymbol symbol = ASTHelpers.getSymbol(tree);
    if (symbol == null) {
      return false;
    }
    if (hasTestOrBenchmarkAnnotation(symbol) || isTestProgram(symbol)) {
      return true;
    }
    Type testCase = state.getTypeFromString("junit.framework.TestCase");
    if (testCase != null && ASTHelpers.isSubtype(symbol.type, testCase, state)) {
      return true;
    }
    for (Symbol member : symbol.getEnclosedElements()) {
      if (hasTestOrBenchmarkAnnotation(member)) {
        return true;
      }
    }
    return false;
  }

  /**
   * A test written as a program and shipped in the main jar: a top-level class named {@code
   * …Test} or {@code …Tests} with a {@code main} method (mchange-commons'
   * {@code com.mchange.v2.coalesce.CoalesceTest} forces a GC to test weak references).
   */
  private static boolean isTestProgram(ClassSymbol symbol) {
    String name = symbol.getSimpleName().toString();
    if (symbol.owner.getKind() != ElementKind.PACKAGE || !(name.endsWith("Test") || name.endsWith("Tests"))) {
      return false;
    }
    for (Symbol member : symbol.getEnclosedElements()) {
      if (member.getSimpleName().contentEquals("main")
          && member.isStatic()
          && member instanceof Symbol.MethodSymbol
          && ((Symbol.MethodSymbol) member).getParameters().size() == 1) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasTestOrBenchmarkAnnotation(Symbol symbol) {
    if (symbol == null) {
      return false;
    }
    for (Attribute.Compound annotation : symbol.getAnnotationMirrors()) {
      String name = annotation.type.tsym.getQualifiedName().toString();
      if (TEST_ANNOTATIONS.contains(name) || name.startsWith(JMH_ANNOTATIONS)) {
        return true;
      }
    }
    return false;
  }
}
