package dev.whisk.testkit;

import org.junit.jupiter.api.Tag;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A test class that needs a Docker engine (and the Node.js runtime image): it runs containers, or a platform that
 * does. Tags the class {@code docker}, so that the tests without Docker run alone with
 * {@code mvn -B verify -DexcludedGroups=docker}, and only these with {@code -Dgroups=docker}.
 */
@Target({ElementType.TYPE, ElementType.METHOD})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Tag(NeedsDocker.TAG)
public @interface NeedsDocker
{
    /** The JUnit tag. */
    String TAG = "docker";
}
