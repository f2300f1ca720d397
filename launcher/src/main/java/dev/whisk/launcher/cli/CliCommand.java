package dev.whisk.launcher.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One client sub-command ({@code whisk VERB NAME ...}) as its command line sees it: its operands, its flags, and
 * parsing them as {@code wsk} (and picocli before) does. Flags and operands mix in any order; {@code --} ends the
 * flags; a flag's value follows it ({@code --limit 5}), or is attached ({@code --limit=5}, {@code -l5}); switches
 * cluster ({@code -br}); a flag given twice keeps its last value, except those that collect every use ({@code -p}).
 * Values are checked when parsed, so a bad one is refused before any request. A command is made, parsed and run once,
 * on the main thread of a one-shot client JVM; it is hand-written rather than annotation-driven so that the client
 * loads no reflection-heavy parser (picocli's classes cannot even be kept in the JVM's class-data archive).
 */
public abstract class CliCommand
{
    public static final String VERSION_TEXT = "whisk 0.1.0";

    /** What a flag takes. */
    enum Kind
    {
        /** Nothing: present or not. */
        SWITCH,
        /** One value, any text. */
        TEXT,
        /** One value, an {@code int}. */
        INT,
        /** One value, a {@code long}. */
        LONG,
        /** Two values ({@code -p KEY VALUE}), every use collected. */
        PAIR
    }

    /**
     * A flag: its names (short first), what it takes, the label of its value(s) in help, its help line. Compared by
     * identity (a class, not a record: a record's hash code is bootstrapped through method handles, a cost a one-shot
     * JVM pays at its first use).
     */
    static final class Flag
    {
        private final List<String> names;
        private final Kind kind;
        private final String label;
        private final String help;

        private Flag(final List<String> names, final Kind kind, final String label, final String help)
        {
            this.names = names;
            this.kind = kind;
            this.label = label;
            this.help = help;
        }

        static Flag toggle(final String help, final String... names)
        {
            return new Flag(List.of(names), Kind.SWITCH, "", help);
        }

        static Flag text(final String label, final String help, final String... names)
        {
            return new Flag(List.of(names), Kind.TEXT, label, help);
        }

        static Flag integer(final String label, final String help, final String... names)
        {
            return new Flag(List.of(names), Kind.INT, label, help);
        }

        static Flag number(final String label, final String help, final String... names)
        {
            return new Flag(List.of(names), Kind.LONG, label, help);
        }

        static Flag pair(final String label, final String help, final String... names)
        {
            return new Flag(List.of(names), Kind.PAIR, label, help);
        }

        List<String> names()
        {
            return names;
        }

        Kind kind()
        {
            return kind;
        }

        String label()
        {
            return label;
        }

        String help()
        {
            return help;
        }

        /** How many arguments one use of the flag takes after its name. */
        int arity()
        {
            return kind == Kind.SWITCH ? 0 : kind == Kind.PAIR ? 2 : 1;
        }

        /** The flag's longest name, used in messages. */
        String longName()
        {
            return names.get(names.size() - 1);
        }
    }

    /** A command line this command refuses: an unknown flag, a missing operand, a bad value. */
    static final class UsageException extends RuntimeException
    {
        UsageException(final String message)
        {
            super(message);
        }
    }

    static final Flag HELP = Flag.toggle("Show this help message and exit.", "-h", "--help");
    static final Flag VERSION = Flag.toggle("Print version information and exit.", "-V", "--version");

    private final String name;
    private final String description;
    private final List<String> operands;
    private final int requiredOperands;
    private final List<Flag> flags = new ArrayList<>();
    private final Map<Flag, List<String>> values = new HashMap<>();
    private final List<String> given = new ArrayList<>();
    private String qualifiedName;

    /**
     * @param name             the sub-command's name, such as {@code create}.
     * @param description      its one-line help.
     * @param requiredOperands how many of {@code operands} must be given; the rest are optional.
     * @param operands         labels of its operands in order, such as {@code NAME}, {@code FILE}.
     */
    CliCommand(final String name, final String description, final int requiredOperands, final String... operands)
    {
        this.name = name;
        this.description = description;
        this.requiredOperands = requiredOperands;
        this.operands = List.of(operands);
        this.qualifiedName = "whisk " + name;
    }

    /** Declares flags this command takes (in the order help lists them). */
    final void flags(final Flag... more)
    {
        flags.addAll(Arrays.asList(more));
    }

    /** Runs the parsed command; returns the process's exit code. */
    abstract int run();

    String name()
    {
        return name;
    }

    String description()
    {
        return description;
    }

    /** The flags declared with {@link #flags}, besides {@code --help} and {@code --version}. */
    final List<Flag> declaredFlags()
    {
        return List.copyOf(flags);
    }

    /** {@code whisk VERB NAME}, as messages and help name the command. */
    String qualifiedName()
    {
        return qualifiedName;
    }

    /**
     * Parses {@code args} from index {@code from} (after {@code whisk VERB NAME}), {@code verb} naming the command
     * in messages.
     *
     * @return false when {@code --help} or {@code --version} was asked for and printed instead.
     * @throws UsageException when the command line is not one this command takes.
     */
    final boolean parse(final String verb, final String[] args, final int from)
    {
        qualifiedName = "whisk " + verb + " " + name;
        boolean flagsEnded = false;
        int i = from;
        while (i < args.length)
        {
            final String arg = args[i++];
            if (!flagsEnded && "--".equals(arg))
            {
                flagsEnded = true;
            }
            else if (!flagsEnded && arg.startsWith("--"))
            {
                final int eq = arg.indexOf('=');
                final Flag flag = flag(eq > 0 ? arg.substring(0, eq) : arg);
                if (flag == null)
                {
                    throw new UsageException("Unknown option: '" + arg + "'");
                }
                i = take(flag, eq > 0 ? arg.substring(eq + 1) : null, args, i);
            }
            else if (!flagsEnded && isShortFlags(arg))
            {
                for (int j = 1; j < arg.length(); j++)
                {
                    final Flag flag = flag("-" + arg.charAt(j));
                    if (flag == null)
                    {
                        throw new UsageException("Unknown option: '" + (j == 1 ? arg : "-" + arg.charAt(j)) + "'" +
                            (j == 1 ? "" : " (in '" + arg + "')"));
                    }
                    if (flag.arity() == 0)
                    {
                        i = take(flag, null, args, i);
                        continue;
                    }
                    final String rest = arg.substring(j + 1);
                    final String attached = rest.startsWith("=") ? rest.substring(1) : rest;
                    i = take(flag, rest.isEmpty() ? null : attached, args, i);
                    break;
                }
            }
            else
            {
                given.add(arg);
            }
        }
        if (isSet(HELP))
        {
            usage(System.out);
            return false;
        }
        if (isSet(VERSION))
        {
            System.out.println(VERSION_TEXT);
            return false;
        }
        if (given.size() < requiredOperands)
        {
            final List<String> missing = operands.subList(given.size(), requiredOperands);
            throw new UsageException("Missing required parameter" + (missing.size() > 1 ? "s: '" : ": '") +
                String.join("', '", missing) + "'");
        }
        if (given.size() > operands.size())
        {
            throw new UsageException("Unmatched argument" + (given.size() - operands.size() > 1 ? "s: '" : ": '") +
                String.join("', '", given.subList(operands.size(), given.size())) + "'");
        }
        return true;
    }

    /** Operand {@code index}, or {@code null} when it was not given. */
    final String operand(final int index)
    {
        return index < given.size() ? given.get(index) : null;
    }

    final boolean isSet(final Flag flag)
    {
        return values.containsKey(flag);
    }

    /** The flag's (last) value, or {@code null}. */
    final String text(final Flag flag)
    {
        final List<String> v = values.get(flag);
        return v == null ? null : v.get(v.size() - 1);
    }

    final Path path(final Flag flag)
    {
        final String v = text(flag);
        return v == null ? null : Path.of(v);
    }

    /** An {@link Kind#INT} flag's value, or {@code null}. */
    final Integer integer(final Flag flag)
    {
        final String v = text(flag);
        return v == null ? null : Integer.valueOf(v.trim());
    }

    final int integer(final Flag flag, final int fallback)
    {
        final Integer v = integer(flag);
        return v == null ? fallback : v;
    }

    /** A {@link Kind#LONG} flag's value, or {@code null}. */
    final Long number(final Flag flag)
    {
        final String v = text(flag);
        return v == null ? null : Long.valueOf(v.trim());
    }

    /** Every value of a collecting flag in the order given ({@code -p a 1 -p b 2}: a, 1, b, 2); empty if unused. */
    final List<String> all(final Flag flag)
    {
        final List<String> v = values.get(flag);
        return v == null ? List.of() : v;
    }

    /** Prints {@code Usage: ...}, the description, the operands and the flags. */
    final void usage(final PrintStream out)
    {
        final StringBuilder sb = new StringBuilder("Usage: ").append(qualifiedName).append(" [OPTIONS]");
        for (int i = 0; i < operands.size(); i++)
        {
            sb.append(i < requiredOperands ? " " + operands.get(i) : " [" + operands.get(i) + "]");
        }
        sb.append('\n').append(description).append('\n');
        final List<String> left = new ArrayList<>();
        int width = 0;
        final List<Flag> listed = new ArrayList<>(flags);
        listed.add(HELP);
        listed.add(VERSION);
        for (final Flag f : listed)
        {
            final String shortName = f.names().size() > 1 ? f.names().get(0) + ", " : "    ";
            final String label = f.label().isEmpty() ? "" : " " + f.label();
            final String l = "  " + shortName + f.longName() + label;
            left.add(l);
            width = Math.max(width, l.length());
        }
        sb.append("Options:\n");
        for (int i = 0; i < listed.size(); i++)
        {
            sb.append(left.get(i)).append(" ".repeat(width + 3 - left.get(i).length()))
                .append(listed.get(i).help()).append('\n');
        }
        out.print(sb);
    }

    /** The flag of this command with name {@code name}, or {@code null}. */
    private Flag flag(final String flagName)
    {
        if (HELP.names().contains(flagName))
        {
            return HELP;
        }
        if (VERSION.names().contains(flagName))
        {
            return VERSION;
        }
        for (final Flag f : flags)
        {
            if (f.names().contains(flagName))
            {
                return f;
            }
        }
        return null;
    }

    /** Records one use of {@code flag}, its first value {@code attached} if given so; returns the next index. */
    private int take(final Flag flag, final String attached, final String[] args, final int next)
    {
        int i = next;
        if (flag.arity() == 0)
        {
            if (attached != null)
            {
                throw new UsageException("Option '" + flag.longName() + "' takes no value, got '" + attached + "'");
            }
            values.put(flag, List.of());
            return i;
        }
        final List<String> taken = new ArrayList<>(2);
        if (attached != null)
        {
            taken.add(attached);
        }
        while (taken.size() < flag.arity())
        {
            if (i >= args.length)
            {
                throw new UsageException("Missing required parameter for option '" + flag.longName() + "' (" +
                    flag.label() + ")");
            }
            taken.add(args[i++]);
        }
        check(flag, taken.get(0));
        if (flag.kind() == Kind.PAIR)
        {
            List<String> all = values.get(flag);
            if (all == null)
            {
                all = new ArrayList<>();
                values.put(flag, all);
            }
            all.addAll(taken);
        }
        else
        {
            values.put(flag, taken);
        }
        return i;
    }

    private static void check(final Flag flag, final String value)
    {
        try
        {
            if (flag.kind() == Kind.INT)
            {
                Integer.parseInt(value.trim());
            }
            else if (flag.kind() == Kind.LONG)
            {
                Long.parseLong(value.trim());
            }
        }
        catch (final NumberFormatException ex)
        {
            throw new UsageException("Invalid value for option '" + flag.longName() + "': '" + value + "' is not " +
                (flag.kind() == Kind.INT ? "an int" : "a long"));
        }
    }

    /** {@code -x}, {@code -xy}: short flags; {@code -}, {@code -5}, {@code -1.5} are operands. */
    private static boolean isShortFlags(final String arg)
    {
        if (arg.length() < 2 || arg.charAt(0) != '-')
        {
            return false;
        }
        final char c = arg.charAt(1);
        return !(c >= '0' && c <= '9') && c != '.';
    }
}
