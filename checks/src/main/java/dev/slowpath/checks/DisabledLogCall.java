package dev.slowpath.checks;

import com.google.errorprone.VisitorState;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.code.Type;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A logging call at a level that is off unless configured on — SLF4J, Log4j 2 and commons-logging
 * {@code trace}/{@code debug}; {@code java.util.logging} {@code log}/{@code logp} at {@code
 * CONFIG}, {@code FINE}, {@code FINER}, {@code FINEST}; {@code System.Logger} and Log4j 2 {@code
 * log} at {@code DEBUG}/{@code TRACE} — and the level check that guards it. The APIs are found by
 * name: user code need not have any of them, and a call to an absent one is simply not one of these.
 *
 * @param receiver the logger the call is made on, or null when it is implicit
 * @param level how the level reads in a message: {@code debug}, {@code FINE}
 * @param guard the level check to call on {@code receiver}, without the receiver, or null when no
 *     check can be written without evaluating an argument twice
 */
record DisabledLogCall(ExpressionTree receiver, String level, String guard) {

  private static final Set<String> NAMED_LEVEL_LOGGERS =
      Set.of("org.slf4j.Logger", "org.apache.logging.log4j.Logger", "org.apache.commons.logging.Log");

  private static final Set<String> MARKERS = Set.of("org.slf4j.Marker", "org.apache.logging.log4j.Marker");

  /** Levels below the default threshold of each {@code log(Level, …)} API. */
  private static final Set<String> JUL_OFF = Set.of("CONFIG", "FINE", "FINER", "FINEST");

  private static final Set<String> DEBUG_OR_TRACE = Set.of("DEBUG", "TRACE");

  /**
   * The call, when it logs at an off-by-default level; {@code named} says whether its name is
   * {@code trace}/{@code debug} (else it is {@code log}/{@code logp}).
   */
  static Optional<DisabledLogCall> of(MethodInvocationTree call, boolean named, VisitorState state) {
    Symbol.MethodSymbol method = ASTHelpers.getSymbol(call);
    if (method == null || method.isStatic()) {
      return Optional.empty();
    }
    ExpressionTree receiver = ASTHelpers.getReceiver(call);
    Type owner = method.owner.type;
    List<? extends ExpressionTree> args = call.getArguments();
    if (named) {
      if (!Subtypes.ofAny(owner, NAMED_LEVEL_LOGGERS, state)) {
        return Optional.empty();
      }
      String level = method.getSimpleName().toString();
      String check = "is" + Character.toUpperCase(level.charAt(0)) + level.substring(1) + "Enabled";
      if (!args.isEmpty() && Subtypes.ofAny(ASTHelpers.getType(args.get(0)), MARKERS, state)) {
        // Logback's turbo filters can let a marked event through with the level off: ask with it.
        return Optional.of(new DisabledLogCall(receiver, level, plain(args.get(0)) ? check + "(" + state.getSourceForNode(args.get(0)) + ")" : null));
      }
      return Optional.of(new DisabledLogCall(receiver, level, check + "()"));
    }
    if (args.isEmpty()) {
      return Optional.empty();
    }
    Symbol level = ASTHelpers.getSymbol(args.get(0));
    if (!(level instanceof Symbol.VarSymbol) || !level.isStatic()) {
      return Optional.empty();
    }
    String levelClass = level.owner.getQualifiedName().toString();
    String name = level.getSimpleName().toString();
    String check;
    if (levelClass.equals("java.util.logging.Level") && JUL_OFF.contains(name)) {
      check = "isLoggable";
    } else if (levelClass.equals("java.lang.System.Logger.Level") && DEBUG_OR_TRACE.contains(name)) {
      check = "isLoggable";
    } else if (levelClass.equals("org.apache.logging.log4j.Level") && DEBUG_OR_TRACE.contains(name)) {
      check = "isEnabled";
    } else {
      return Optional.empty();
    }
    return Optional.of(new DisabledLogCall(receiver, name, check + "(" + state.getSourceForNode(args.get(0)) + ")"));
  }

  /** The level check written out, or null when no fix can write it. */
  String guardSource(VisitorState state) {
    if (guard == null || receiver == null || !plain(receiver)) {
      return null;
    }
    return state.getSourceForNode(receiver) + "." + guard;
  }

  /** A name or a chain of field selects: reading it again reads the same logger, at no cost. */
  private static boolean plain(ExpressionTree tree) {
    ExpressionTree t = tree;
    while (t instanceof MemberSelectTree) {
      t = ((MemberSelectTree) t).getExpression();
    }
    return t instanceof IdentifierTree;
  }
}
