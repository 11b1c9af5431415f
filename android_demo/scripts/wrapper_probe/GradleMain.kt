package org.gradle.launcher

/**
 * Stands in for Gradle's launcher in the fake distribution that check_gradle.sh
 * builds: the wrapper loads `org.gradle.launcher.GradleMain` from the
 * distribution's `lib/gradle-launcher-*.jar` and calls `main`, so this line proves
 * that the committed gradlew and wrapper jar got that far.
 */
object GradleMain {
    @JvmStatic
    fun main(args: Array<String>) {
        println("fake-gradle-launcher args=" + args.joinToString(" "))
    }
}
