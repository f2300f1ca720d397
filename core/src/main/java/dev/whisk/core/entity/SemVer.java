package dev.whisk.core.entity;

/** OpenWhisk's {@code major.minor.patch} entity versions; every update bumps the patch. */
public final class SemVer
{
    public static final String INITIAL = "0.0.1";

    private SemVer()
    {
    }

    public static boolean isValid(final String v)
    {
        return v != null && v.matches("\\d{1,9}\\.\\d{1,9}\\.\\d{1,9}");
    }

    public static String bumpPatch(final String version)
    {
        final String[] p = version.split("\\.");
        return p[0] + "." + p[1] + "." + (Long.parseLong(p[2]) + 1);
    }
}
