package dev.slowpath.checks;

import static com.google.errorprone.BugPattern.LinkType.CUSTOM;
import static com.google.errorprone.BugPattern.SeverityLevel.WARNING;

import com.google.auto.service.AutoService;
import com.google.errorprone.BugPattern;
import com.google.errorprone.ErrorProneFlags;
import com.google.errorprone.VisitorState;
import com.google.errorprone.bugpatterns.BugChecker;
import com.google.errorprone.bugpatterns.BugChecker.MethodInvocationTreeMatcher;
import com.google.errorprone.bugpatterns.BugChecker.VariableTreeMatcher;
import com.google.errorprone.fixes.SuggestedFix;
import com.google.errorprone.matchers.Description;
import com.google.errorprone.suppliers.Supplier;
import com.google.errorprone.util.ASTHelpers;
import com.sun.source.tree.ExpressionTree;
import com.sun.source.tree.IdentifierTree;
import com.sun.source.tree.MemberSelectTree;
import com.sun.source.tree.MethodInvocationTree;
import com.sun.source.tree.StatementTree;
import com.sun.source.tree.Tree;
import com.sun.source.tree.VariableTree;
import com.sun.source.util.TreePath;
import com.sun.tools.javac.code.Flags;
import com.sun.tools.javac.code.Symbol;
import com.sun.tools.javac.util.Name;
import dev.slowpath.checks.Profile.Cost;
import dev.slowpath.checks.ProfiledFindings.Tier;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import javax.inject.Inject;
import javax.lang.model.element.ElementKind;

/**
 * Boxing and formatting paid on every pass of a loop for nothing or for one number: a logging call
 * at a level that is off by default handed primitives (each boxed, and a varargs array made,
 * before the logger looks at its level); {@code String.format} rendering one primitive; a {@code
 * Long}/{@code Integer}/… accumulator boxed again at every update.
 */
@AutoService(BugChecker.class)
@BugPattern(
    summary =
        "A primitive boxed on every pass of a loop: for a log call at a level that is off, for a"
            + " String.format of one number, or to keep a boxed accumulator",
    severity = WARNING,
    linkType = CUSTOM,
    link = Docs.BUGPATTERN + "BoxingInHotPath.md")
public final class BoxingInHotPath extends BugChecker implements MethodInvocationTreeMatcher, VariableTreeMatcher {
  private static final long serialVersionUID = 1L;

  private record Names(Name trace, Name debug, Name log, Name logp, Name format, Name formatted, Set<Name> boxes) {}

  private static final Supplier<Names> NAMES =
      VisitorState.memoize(
          state ->
              new Names(
                  state.getName("trace"),
                  state.getName("debug"),
                  state.getName("log"),
                  state.getName("logp"),
                  state.getName("format"),
                  state.getName("formatted"),
                  Set.of(
                      state.getName("Long"),
                      state.getName("Integer"),
                      state.getName("Double"),
                      state.getName("Float"),
                      state.getName("Short"),
                      state.getName("Character"),
                      state.getName("Byte"))));

  private static final Pattern RETRY_WORDS = Pattern.compile("(?i)attempt|retr(y|ies|ying)|reconnect");

  private final ProfiledFindings profiled;

  public BoxingInHotPath() {
    this(ErrorProneFlags.empty());
  }

  @Inject
  BoxingInHotPath(ErrorProneFlags flags) {
    this.profiled = ProfiledFindings.of(this, flags, Tier.BEHIND_PROFILE, Cost.BOX_ALLOCATION);
  }

  @Override
  public Description matchMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    return profiled.report(findMethodInvocation(tree, state), state);
  }

  private Description findMethodInvocation(MethodInvocationTree tree, VisitorState state) {
    CharSequence name = MethodNames.simpleName(tree.getMethodSelect()); // by identity: runs for every call
    Names names = NAMES.get(state);
    boolean levelNamed = name == names.trace() || name == names.debug();
    boolean levelArgument = name == names.log() || name == names.logp();
    boolean format = name == names.format() || name == names.formatted();
    if (!levelNamed && !levelArgument && !format) {
      return Description.NO_MATCH;
    }
    if (tree.getArguments().isEmpty() || Loops.enclosing(state.getPath()).isEmpty()) {
      return Description.NO_MATCH;
    }
    if (format) {
      return NumberFormatCall.of(tree, name == names.format(), state)
          .filter(
              call ->
                  inRepeatingLoop(state)
                      && !RarePaths.contains(state.getPath())
                      && !OneTimeCode.contains(state.getPath())
                      && !forALogLine(state, names)
                      && !NonProductionCode.contains(state))
          .map(call -> describeFormat(tree, call, state))
          .orElse(Description.NO_MATCH);
    }
    List<ExpressionTree> boxed = BoxedArguments.allocating(tree);
    if (boxed.isEmpty()) {
      return Description.NO_MATCH;
    }
    return DisabledLogCall.of(tree, levelNamed, state)
        .filter(
            call ->
                inRepeatingLoop(state)
                    && !LevelGuard.guards(state.getPath())
                    && !RarePaths.contains(state.getPath())
                    && !OneTimeCode.contains(state.getPath())
                    && !isRetry(tree, state)
                    && !NonProductionCode.contains(state))
        .map(call -> describeLog(tree, call, boxed, state))
        .orElse(Description.NO_MATCH);
  }

  /**
   * A format that makes (part of) a log line: paid only with the level on when the call is
   * guarded; and when it is not, the cost is the log call's, which builds its message whatever the
   * level — a different finding (PMD's GuardLogStatement), which this check does not make.
   */
  private static boolean forALogLine(VisitorState state, Names names) {
    if (LevelGuard.guards(state.getPath())) {
      return true;
    }
    for (TreePath p = state.getPath().getParentPath(); p != null && !(p.getLeaf() instanceof StatementTree); p = p.getParentPath()) {
      if (p.getLeaf() instanceof MethodInvocationTree) {
        MethodInvocationTree call = (MethodInvocationTree) p.getLeaf();
        CharSequence name = MethodNames.simpleName(call.getMethodSelect());
        boolean levelNamed = name == names.trace() || name == names.debug();
        if ((levelNamed || name == names.log() || name == names.logp())
            && DisabledLogCall.of(call, levelNamed, state).isPresent()) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public Description matchVariable(VariableTree tree, VisitorState state) {
    return profiled.report(findVariable(tree, state), state);
  }

  private Description findVariable(VariableTree tree, VisitorState state) {
    Tree type = tree.getType();
    Name typeName =
        type instanceof IdentifierTree
            ? (Name) ((IdentifierTree) type).getName()
            : type instanceof MemberSelectTree ? (Name) ((MemberSelectTree) type).getIdentifier() : null;
    if (typeName == null || !NAMES.get(state).boxes().contains(typeName)) {
      return Description.NO_MATCH;
    }
    Symbol.VarSymbol variable = ASTHelpers.getSymbol(tree);
    if (variable == null || !(variable.getKind() == ElementKind.LOCAL_VARIABLE || isUpdatableField(variable))) {
      return Description.NO_MATCH; // parameters, constants: most boxed variables, so first
    }
    TreePath scope =
        isField(variable)
            ? new TreePath(state.getPath().getCompilationUnit())
            : EnclosingCode.methodOrLambdaPath(state.getPath());
    if (scope == null) {
      return Description.NO_MATCH;
    }
    return BoxedAccumulator.of(tree, variable, scope, state)
        .filter(
            accumulator ->
                !(!isField(variable) && OneTimeCode.contains(state.getPath())) && !NonProductionCode.contains(state))
        .map(accumulator -> describeAccumulator(tree, variable, accumulator))
        .orElse(Description.NO_MATCH);
  }

  private Description describeLog(MethodInvocationTree tree, DisabledLogCall call, List<ExpressionTree> boxed, VisitorState state) {
    String guard = call.guardSource(state);
    String what =
        boxed.size() == 1 ? "boxes its " + kind(boxed.get(0)) + " argument" : "boxes its " + boxed.size() + " primitive arguments";
    StringBuilder message =
        new StringBuilder("This ")
            .append(call.level())
            .append(" call ")
            .append(what)
            .append(" on every pass of the loop")
            .append(((com.sun.tools.javac.tree.JCTree.JCMethodInvocation) tree).varargsElement != null ? " and fills a new varargs array" : "")
            .append(", even though ")
            .append(call.level())
            .append(" logging is off by default: the logger checks the level only after the arguments are built");
    Optional<SuggestedFix> fix = LevelGuardFix.of(state.getPath(), guard, state);
    if (fix.isPresent()) {
      message.append(". Guard it with ").append(guard).append(". Fix: the statement moves inside if (").append(guard).append(") { … }");
    } else {
      message.append(". Guard it with the logger's level check (no fix is offered here: ")
          .append(
              guard == null
                  ? "the logger or marker is not a plain variable or field, and a fix would evaluate it twice"
                  : "it is not a statement of its own in a block")
          .append(')');
    }
    Description.Builder description = buildDescription(tree).setMessage(message.toString());
    fix.ifPresent(description::addFix);
    return description.build();
  }

  private Description describeFormat(MethodInvocationTree tree, NumberFormatCall call, VisitorState state) {
    StringBuilder message =
        new StringBuilder("This String.format(\"")
            .append(call.format())
            .append("\", ")
            .append(kind(call.value()))
            .append(") runs on every pass of the loop: each call builds a Formatter, parses the format,"
                + " boxes the value and allocates a varargs array to print one number");
    Optional<SuggestedFix> fix = call.hexFix(tree, state);
    if (fix.isPresent()) {
      message.append(". Print the hex digits directly");
    } else if (call.hexOf() != null) {
      message.append(". Print the hex digits directly (HexFormat.toHexDigits from Java 17, or"
          + " Character.forDigit calls; below 17 no fix is offered for this form, or for a value not read"
          + " alike twice)");
    } else {
      message.append(". Print it directly (Integer.toString, Long.toHexString, StringBuilder.append,"
          + " java.util.HexFormat); no fix is offered, as this format may pad, group or localise differently");
    }
    Description.Builder description = buildDescription(tree).setMessage(message.toString());
    fix.ifPresent(description::addFix);
    return description.build();
  }

  private Description describeAccumulator(VariableTree tree, Symbol.VarSymbol variable, BoxedAccumulator accumulator) {
    String box = variable.type.tsym.getSimpleName().toString();
    StringBuilder message =
        new StringBuilder("'")
            .append(variable.getSimpleName())
            .append("' is ")
            .append("AEIOU".indexOf(box.charAt(0)) >= 0 ? "an " : "a ")
            .append(box)
            .append(" updated in a loop: every update unboxes it, computes, and boxes the result into a new ")
            .append(box)
            .append(" (").append(box).append(".valueOf caches few values)");
    Optional<SuggestedFix> fix = accumulator.fix();
    if (fix.isPresent()) {
      message.append(". Declare it ").append(accumulator.primitive());
    } else {
      message.append(". Keep the running value in a ")
          .append(accumulator.primitive())
          .append(" and box it once where an object is needed (no fix is offered: ")
          .append(accumulator.noFix())
          .append(')');
    }
    Description.Builder description = buildDescription(tree).setMessage(message.toString());
    fix.ifPresent(description::addFix);
    return description.build();
  }

  /**
   * A pass of a retry loop, where a box is noise beside what each pass waits for: the innermost
   * loop's body blocks (sleeps, waits, reads; {@link BlockingCalls}), or the log line itself calls
   * the pass an attempt, a retry or a reconnect.
   */
  private static boolean isRetry(MethodInvocationTree call, VisitorState state) {
    TreePath loop = Loops.innermost(state.getPath());
    if (loop != null && BlockingCalls.anyIn(Loops.body(loop.getLeaf()), state)) {
      return true;
    }
    return call.getArguments().stream()
        .map(ASTHelpers::constValue)
        .anyMatch(text -> text instanceof String && RETRY_WORDS.matcher((String) text).find());
  }

  private static boolean isField(Symbol.VarSymbol variable) {
    return variable.getKind() == ElementKind.FIELD;
  }

  /**
   * A field that is neither final nor volatile and that only this file can update: a private one,
   * or any field of an anonymous or local class (no other file can name the class).
   */
  private static boolean isUpdatableField(Symbol.VarSymbol variable) {
    if (!isField(variable) || (variable.flags() & (Flags.FINAL | Flags.VOLATILE)) != 0) {
      return false;
    }
    Symbol owner = variable.owner;
    boolean localOrAnonymous =
        owner instanceof Symbol.ClassSymbol && (owner.isAnonymous() || isExecutable(owner.owner.getKind()));
    return (variable.flags() & Flags.PRIVATE) != 0 || localOrAnonymous;
  }

  private static boolean isExecutable(ElementKind kind) {
    return kind == ElementKind.METHOD
        || kind == ElementKind.CONSTRUCTOR
        || kind == ElementKind.STATIC_INIT
        || kind == ElementKind.INSTANCE_INIT;
  }

  /** Not only loops that run a handful of times (retries, a few attempts). */
  private static boolean inRepeatingLoop(VisitorState state) {
    return Loops.enclosing(state.getPath()).stream().anyMatch(loop -> !Loops.runsAFewTimes(loop.getLeaf()));
  }

  private static String kind(ExpressionTree value) {
    com.sun.tools.javac.code.Type type = ASTHelpers.getType(value);
    return type == null ? "primitive" : type.toString();
  }
}
