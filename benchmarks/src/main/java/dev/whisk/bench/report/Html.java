package dev.whisk.bench.report;

/** A small Markdown-to-HTML rendering for the report's own Markdown: headings, paragraphs, tables, images. */
final class Html
{
    private Html()
    {
    }

    static String of(final String markdown)
    {
        final StringBuilder html = new StringBuilder("<!doctype html><html><head><meta charset=\"utf-8\">" +
            "<title>whisk benchmark report</title><style>body{font-family:sans-serif;max-width:980px;margin:2em auto}" +
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;text-align:right}" +
            "td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:8px;overflow-x:auto}" +
            "img{max-width:100%}</style></head><body>\n");
        boolean inTable = false;
        boolean header = false;
        boolean inCode = false;
        for (final String line : markdown.split("\n"))
        {
            if (line.startsWith("```"))
            {
                html.append(inCode ? "</pre>\n" : "<pre>");
                inCode = !inCode;
                continue;
            }
            if (inCode)
            {
                html.append(escape(line)).append('\n');
                continue;
            }
            if (line.startsWith("|"))
            {
                if (line.startsWith("|---"))
                {
                    continue;
                }
                if (!inTable)
                {
                    html.append("<table>\n");
                    inTable = true;
                    header = true;
                }
                final String[] cells = line.substring(1, line.length() - 1).split("\\|", -1);
                html.append("<tr>");
                for (final String c : cells)
                {
                    html.append(header ? "<th>" : "<td>").append(escape(c.trim())).append(header ? "</th>" : "</td>");
                }
                html.append("</tr>\n");
                header = false;
                continue;
            }
            if (inTable)
            {
                html.append("</table>\n");
                inTable = false;
            }
            if (line.startsWith("## "))
            {
                html.append("<h2>").append(escape(line.substring(3))).append("</h2>\n");
            }
            else if (line.startsWith("# "))
            {
                html.append("<h1>").append(escape(line.substring(2))).append("</h1>\n");
            }
            else if (line.startsWith("!["))
            {
                final String src = line.substring(line.indexOf('(') + 1, line.lastIndexOf(')'));
                html.append("<p><img src=\"").append(escape(src)).append("\"></p>\n");
            }
            else if (!line.isBlank())
            {
                html.append("<p>").append(escape(line).replaceAll("`([^`]*)`", "<code>$1</code>")).append("</p>\n");
            }
        }
        if (inTable)
        {
            html.append("</table>\n");
        }
        return html.append("</body></html>\n").toString();
    }

    private static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
