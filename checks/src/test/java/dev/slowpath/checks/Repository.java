package dev.slowpath.checks;

import com.google.errorprone.BugPattern;
import com.google.errorprone.bugpatterns.BugChecker;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The repository around this module, and the checks registered through AutoService. */
final class Repository {
  private Repository() {}

  static Path root() {
    return Path.of(System.getProperty("slowpath.root", "..")).toAbsolutePath().normalize();
  }

  /** Every check that {@code -Xplugin:ErrorProne} would load from our jar. */
  static List<Class<? extends BugChecker>> registeredChecks() {
    List<Class<? extends BugChecker>> checks = new ArrayList<>();
    for (ServiceLoader.Provider<BugChecker> provider : ServiceLoader.load(BugChecker.class).stream().toList()) {
      Class<? extends BugChecker> type = provider.type();
      if (type.getPackageName().equals("dev.slowpath.checks")) {
        checks.add(type);
      }
    }
    return checks;
  }

  static String name(Class<? extends BugChecker> check) {
    BugPattern pattern = check.getAnnotation(BugPattern.class);
    return pattern.name().isEmpty() ? check.getSimpleName() : pattern.name();
  }
}
