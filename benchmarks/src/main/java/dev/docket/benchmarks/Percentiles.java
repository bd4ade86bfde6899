package dev.docket.benchmarks;

import java.util.Arrays;
import java.util.Collection;
import java.util.Locale;

/** Nearest-rank percentiles of a set of samples (milliseconds as doubles). Immutable. */
public final class Percentiles {
    private final double[] sorted;

    public Percentiles(Collection<Double> samples) {
        this.sorted = samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    public Percentiles(double[] samples) {
        this.sorted = samples.clone();
        Arrays.sort(sorted);
    }

    public int count() {
        return sorted.length;
    }

    /** The nearest-rank {@code p}-th percentile (0 < p <= 100), NaN without samples. */
    public double p(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** The median of {@code xs} (the mean of the middle two for an even count), NaN without samples. */
    public static double median(Collection<Double> xs) {
        double[] a = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        if (a.length == 0) {
            return Double.NaN;
        }
        return a.length % 2 == 1 ? a[a.length / 2] : (a[a.length / 2 - 1] + a[a.length / 2]) / 2;
    }

    public double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    public double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    /** "p50 1.2 ms, p99 3.4 ms, max 5.6 ms (n=200)". */
    public String summary(String unit) {
        return String.format(Locale.ROOT, "p50 %s %s, p99 %s %s, max %s %s (n=%d)", fmt(p(50)), unit, fmt(p(99)), unit,
                fmt(max()), unit, count());
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        return v >= 100 ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }
}
