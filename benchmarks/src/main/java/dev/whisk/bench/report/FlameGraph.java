package dev.whisk.bench.report;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns async-profiler's collapsed stacks ({@code collapsed} output: one {@code frame;frame;... count} line per
 * stack) into a self-contained HTML flame graph (inline SVG, a title on every frame, no script or network) and a
 * text summary of the top frames: the share of samples per thread group, the frames that burn CPU themselves
 * (self), and the platform's own frames by inclusive share. Usage: {@code FlameGraph <in.collapsed> <out.html>
 * [top-N]}; the summary goes to standard output.
 */
public final class FlameGraph
{
    private static final int WIDTH = 1800;
    private static final int ROW = 16;
    private static final double MIN_WIDTH = 0.3;

    private FlameGraph()
    {
    }

    public static void main(final String[] args) throws IOException
    {
        final Node root = new Node("all");
        final Map<String, Long> self = new HashMap<>();
        final Map<String, Long> inclusive = new HashMap<>();
        for (final String line : Files.readAllLines(Path.of(args[0]), StandardCharsets.UTF_8))
        {
            final int space = line.lastIndexOf(' ');
            if (space <= 0)
            {
                continue;
            }
            final long count = Long.parseLong(line.substring(space + 1).trim());
            final String[] frames = line.substring(0, space).split(";");
            root.total += count;
            Node node = root;
            final java.util.Set<String> seen = new java.util.HashSet<>();
            for (final String frame : frames)
            {
                node = node.children.computeIfAbsent(frame, Node::new);
                node.total += count;
                if (seen.add(frame))
                {
                    inclusive.merge(frame, count, Long::sum);
                }
            }
            self.merge(frames[frames.length - 1], count, Long::sum);
        }
        Files.writeString(Path.of(args[1]), html(root, Path.of(args[0]).getFileName().toString()),
            StandardCharsets.UTF_8);
        summary(System.out, root.total, self, inclusive, args.length > 2 ? Integer.parseInt(args[2]) : 25);
    }

    private static void summary(final PrintStream out, final long total, final Map<String, Long> self,
        final Map<String, Long> inclusive, final int top)
    {
        out.printf(Locale.ROOT, "%,d samples%n-- top frames by self time --%n", total);
        print(out, self, total, top, f -> true);
        out.printf("-- the platform's own frames (dev.whisk), inclusive --%n");
        print(out, inclusive, total, top, f -> f.startsWith("dev/whisk/"));
        out.printf("-- waiting and waking, inclusive --%n");
        print(out, inclusive, total, top, f -> f.contains("park") || f.contains("epoll_wait") ||
            f.contains("eventfd") || f.contains("futex_wait") || f.contains("futex_wake"));
    }

    private static void print(final PrintStream out, final Map<String, Long> counts, final long total,
        final int top, final java.util.function.Predicate<String> keep)
    {
        counts.entrySet().stream().filter(e -> keep.test(e.getKey()))
            .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
            .forEach(e -> out.printf(Locale.ROOT, "%6.2f%%  %s%n", 100.0 * e.getValue() / total, e.getKey()));
    }

    private static String html(final Node root, final String title)
    {
        final int depth = root.depth();
        final int height = (depth + 1) * ROW + 40;
        final StringBuilder svg = new StringBuilder();
        draw(svg, root, 0, WIDTH, depth, 0, root.total);
        return "<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>" + escape(title) + "</title></head>" +
            "<body style=\"margin:0;font-family:monospace\"><h3 style=\"margin:6px\">" + escape(title) + " — " +
            root.total + " samples; hover a frame for its name and share</h3><svg xmlns=\"http://www.w3.org/2000/svg\"" +
            " width=\"" + WIDTH + "\" height=\"" + height + "\" font-size=\"11\">" + svg + "</svg></body></html>";
    }

    private static void draw(final StringBuilder svg, final Node node, final double x, final double width,
        final int maxDepth, final int level, final long total)
    {
        if (width < MIN_WIDTH)
        {
            return;
        }
        final int y = (maxDepth - level) * ROW + 30;
        final String label = escape(node.name) + " (" + String.format(Locale.ROOT, "%.2f%%", 100.0 * node.total /
            total) + ")";
        svg.append("<g><title>").append(label).append("</title><rect x=\"").append(fmt(x)).append("\" y=\"")
            .append(y).append("\" width=\"").append(fmt(width)).append("\" height=\"").append(ROW - 1)
            .append("\" fill=\"").append(color(node.name)).append("\"/>");
        if (width > 40)
        {
            final int chars = (int)(width / 7);
            final String text = node.name.length() > chars ? node.name.substring(0, Math.max(0, chars - 2)) + ".." :
                node.name;
            svg.append("<text x=\"").append(fmt(x + 2)).append("\" y=\"").append(y + ROW - 4).append("\">")
                .append(escape(text)).append("</text>");
        }
        svg.append("</g>");
        double childX = x;
        final List<Node> children = new ArrayList<>(node.children.values());
        children.sort(Comparator.comparing(n -> n.name));
        for (final Node child : children)
        {
            final double w = width * child.total / node.total;
            draw(svg, child, childX, w, maxDepth, level + 1, total);
            childX += w;
        }
    }

    private static String color(final String frame)
    {
        if (frame.endsWith("_[k]"))
        {
            return "#e0a040";
        }
        if (frame.startsWith("dev/whisk/"))
        {
            return "#60b060";
        }
        if (frame.contains("/"))
        {
            return "#70a0d0";
        }
        return "#d07060";
    }

    private static String fmt(final double v)
    {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(final String s)
    {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    private static final class Node
    {
        final String name;
        final Map<String, Node> children = new LinkedHashMap<>();
        long total;

        Node(final String name)
        {
            this.name = name;
        }

        int depth()
        {
            int d = 0;
            for (final Node c : children.values())
            {
                d = Math.max(d, c.depth());
            }
            return d + 1;
        }
    }
}
