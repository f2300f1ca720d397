package dev.whisk.frontdoor;

import java.util.ArrayList;
import java.util.List;

/** Splitting of decoded request paths. */
final class Paths
{
    private Paths()
    {
    }

    /**
     * The segments of {@code path} after {@code from}: {@code /namespaces/guest/actions/} gives
     * {@code [namespaces, guest, actions, ""]}; a single trailing slash is kept as an empty last segment only when
     * it follows a package name (four segments), so that {@code actions/pkg/} can mean "the package's actions".
     */
    static String[] segments(final String path, final int from)
    {
        final List<String> out = new ArrayList<>(8);
        int start = from;
        while (start < path.length() && path.charAt(start) == '/')
        {
            start++;
        }
        while (start < path.length())
        {
            int end = path.indexOf('/', start);
            if (end < 0)
            {
                end = path.length();
            }
            out.add(path.substring(start, end));
            start = end + 1;
        }
        return out.toArray(new String[0]);
    }
}
