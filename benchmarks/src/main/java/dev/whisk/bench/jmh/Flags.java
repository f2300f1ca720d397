package dev.whisk.bench.jmh;

/** The JVM flags every fork needs (Agrona and Chronicle; see shared/DEPENDENCIES.md section 2). */
final class Flags
{
    static final String ADD_EXPORTS_MISC = "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED";

    private Flags()
    {
    }
}
