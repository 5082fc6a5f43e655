package dev.eventpipeline.bench;

import java.util.ArrayList;
import java.util.List;

/** The statistics the benchmarks report: medians, which one round hit by a neighbour's load does not move. */
public final class Medians {

    private Medians() {}

    public static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** The median of the per-round ratios {@code a[i] / b[i]}: rounds are paired, so each ratio compares like with like. */
    public static double medianRatio(List<Double> a, List<Double> b) {
        List<Double> ratios = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            ratios.add(a.get(i) / b.get(i));
        }
        return median(ratios);
    }
}
