package dev.docket.cli.internal;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table printed with aligned columns: text left-aligned, columns holding only numbers
 * right-aligned. Cells are made printable (control characters, including terminal escapes, become
 * spaces) and cut at {@value #MAX_CELL} characters. Not thread-safe.
 */
public final class Table {
    /** Longest cell printed; longer text is cut with an ellipsis. */
    static final int MAX_CELL = 100;
    private static final String GAP = "  ";

    private final String[] headers;
    private final boolean printHeader;
    private final List<String[]> rows = new ArrayList<>();

    public Table(String... headers) {
        this(true, headers);
    }

    private Table(boolean printHeader, String... headers) {
        this.headers = headers.clone();
        this.printHeader = printHeader;
    }

    /** Two columns, name and value, printed without a header line. */
    public static Table keyValues() {
        return new Table(false, "", "");
    }

    /** Adds a row; null cells print as "-". */
    public Table row(Object... cells) {
        if (cells.length != headers.length) {
            throw new IllegalArgumentException("row has " + cells.length + " cells for " + headers.length + " columns");
        }
        String[] r = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            r[i] = printable(cells[i] == null ? "-" : cells[i].toString());
        }
        rows.add(r);
        return this;
    }

    public boolean isEmpty() {
        return rows.isEmpty();
    }

    /** Prints the header and the rows, each line starting with {@code indent}. */
    public void print(PrintStream out, String indent) {
        int n = headers.length;
        int[] width = new int[n];
        boolean[] numeric = new boolean[n];
        boolean[] anyNumber = new boolean[n];
        Arrays.fill(numeric, printHeader);
        for (int i = 0; i < n; i++) {
            width[i] = printHeader ? headers[i].length() : 0;
        }
        for (String[] r : rows) {
            for (int i = 0; i < n; i++) {
                width[i] = Math.max(width[i], r[i].length());
                numeric[i] &= r[i].equals("-") || isNumber(r[i]);
                anyNumber[i] |= isNumber(r[i]);
            }
        }
        for (int i = 0; i < n; i++) {
            numeric[i] &= anyNumber[i];
        }
        if (printHeader) {
            out.println(line(indent, headers, width, numeric));
        }
        for (String[] r : rows) {
            out.println(line(indent, r, width, numeric));
        }
    }

    private static String line(String indent, String[] cells, int[] width, boolean[] numeric) {
        StringBuilder b = new StringBuilder(indent);
        for (int i = 0; i < cells.length; i++) {
            boolean last = i == cells.length - 1;
            String c = cells[i];
            int pad = width[i] - c.length();
            if (numeric[i]) {
                b.append(" ".repeat(pad)).append(c);
            } else {
                b.append(c);
                if (!last) {
                    b.append(" ".repeat(pad));
                }
            }
            if (!last) {
                b.append(GAP);
            }
        }
        return stripTrailing(b);
    }

    private static String stripTrailing(StringBuilder b) {
        int end = b.length();
        while (end > 0 && b.charAt(end - 1) == ' ') {
            end--;
        }
        return b.substring(0, end);
    }

    /** Digits with an optional sign, decimal point and percent sign: "42", "-1", "7.5%". */
    static boolean isNumber(String s) {
        boolean digit = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c != '.' && !(c == '%' && i == s.length() - 1) && !(i == 0 && c == '-')) {
                return false;
            }
        }
        return digit;
    }

    /** The text with control characters (terminal escapes, line breaks) replaced by spaces. */
    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        return b.toString();
    }

    /** The text with control characters replaced by spaces, cut at {@link #MAX_CELL}. */
    static String printable(String s) {
        StringBuilder b = new StringBuilder(Math.min(s.length(), MAX_CELL + 1));
        for (int i = 0; i < s.length() && b.length() < MAX_CELL; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) || c == '\u2028' || c == '\u2029' ? ' ' : c);
        }
        if (s.length() > MAX_CELL) {
            b.setLength(MAX_CELL - 1);
            b.append('…');
        }
        return b.toString();
    }

    /** The ALERTS block shared by diagnose and check-db. */
    /** A WARNINGS section (findings that need no action now), printed only when there are some. */
    static void printWarnings(java.io.PrintStream out, java.util.List<String> warnings) {
        if (warnings.isEmpty()) {
            return;
        }
        out.println();
        out.println("WARNINGS");
        for (String w : warnings) {
            out.println("  - " + sanitize(w));
        }
    }

    static void printAlerts(java.io.PrintStream out, java.util.List<String> alerts) {
        out.println();
        out.println("ALERTS");
        if (alerts.isEmpty()) {
            out.println("  none");
        }
        for (String a : alerts) {
            out.println("  ! " + sanitize(a));
        }
    }
}
