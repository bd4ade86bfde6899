package dev.docket.queue.internal;

/**
 * The limits of PostgreSQL's {@code numeric}, which {@code jsonb} stores JSON numbers as, over a number given by
 * the positions of its digits in the JSON text: whether it fits, and how long it is printed.
 */
final class PgNumeric {
    /** PostgreSQL numeric input rejects exponents of this magnitude and beyond (INT_MAX / 2). */
    static final long MAX_EXPONENT = Integer.MAX_VALUE / 2;
    /** Most digits after the decimal point a PostgreSQL numeric holds (NUMERIC_DSCALE_MAX). */
    static final long MAX_SCALE = 0x3FFF;
    /** Highest decimal exponent of a PostgreSQL numeric's first digit (base-10000 weight 32767, 4 digits each). */
    static final long MAX_DECIMAL_WEIGHT = 4L * Short.MAX_VALUE + 3;

    private PgNumeric() {
    }

    /**
     * Null when PostgreSQL's {@code numeric} (which {@code jsonb} stores numbers as) can hold the
     * number with integer digits {@code [intStart, intEnd)}, fraction digits {@code [fracStart, fracEnd)}
     * and {@code exponent}; else why not. Its limits: |exponent| below 1073741823, at most 16383 digits
     * after the decimal point, and a most significant digit at most 10^131071.
     */
    static String rangeProblem(String s, int intStart, int intEnd, int fracStart, int fracEnd, long exponent) {
        if (exponent >= MAX_EXPONENT || exponent <= -MAX_EXPONENT) {
            return "exponent too large";
        }
        long scale = Math.max(0, (fracEnd - fracStart) - exponent);
        if (scale > MAX_SCALE) {
            return scale + " digits after the decimal point, at most " + MAX_SCALE;
        }
        long mostSignificant = Long.MIN_VALUE; // decimal exponent of the first non-zero digit
        for (int i = intStart; i < intEnd; i++) {
            if (s.charAt(i) != '0') {
                mostSignificant = (intEnd - 1 - i) + exponent;
                break;
            }
        }
        if (mostSignificant == Long.MIN_VALUE) {
            for (int i = fracStart; i < fracEnd; i++) {
                if (s.charAt(i) != '0') {
                    mostSignificant = -(i - fracStart + 1) + exponent;
                    break;
                }
            }
        }
        if (mostSignificant > MAX_DECIMAL_WEIGHT) {
            return "at most 10^" + MAX_DECIMAL_WEIGHT;
        }
        return null;
    }

    /**
     * An upper bound of the length of the number as PostgreSQL's {@code numeric} prints it: sign,
     * integer digits (at least "0"), and the fraction digits its scale keeps.
     */
    static long printedLength(String s, boolean negative, int intStart, int intEnd, int fracStart, int fracEnd,
            long exponent) {
        long scale = Math.max(0, (fracEnd - fracStart) - exponent);
        long intDigits = 1;
        for (int i = intStart; i < intEnd; i++) {
            if (s.charAt(i) != '0') {
                intDigits = Math.max(1, (intEnd - i) + exponent);
                break;
            }
        }
        if (intDigits == 1 && exponent > 0) {
            // leading zeros only in the integer part: fraction digits move in front of the point
            for (int i = fracStart; i < fracEnd; i++) {
                if (s.charAt(i) != '0') {
                    intDigits = Math.max(1, exponent - (i - fracStart));
                    break;
                }
            }
        }
        return (negative ? 1 : 0) + intDigits + (scale > 0 ? 1 + scale : 0);
    }

    static String abbreviate(String digits, long exponent) {
        String d = digits.length() > 20 ? digits.substring(0, 20) + "…" : digits;
        return exponent == 0 ? d : d + "e" + exponent;
    }
}
