package io.mirrorswitch.harness.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's numbers: a real minus sign next to the range's en dash; the console keeps ASCII. */
class StatsMarkdownTest {
    private final Stats.Summary negative = Stats.of(List.of(-0.224, -0.092, 0.188));

    @Test
    void markdownUsesMinusSign() {
        assertEquals("\u22120.092 (\u22120.224–0.188)", negative.markdown("%.3f"));
    }

    @Test
    void plainFormatStaysAscii() {
        assertEquals("-0.092 (-0.224–0.188)", negative.format("%.3f"));
    }

    @Test
    void markdownShowsNoNumberAsDash() {
        assertEquals("—", Stats.of(List.of(Double.POSITIVE_INFINITY)).markdown("%.2f"));
        assertEquals("1.00 (1.00–—)", Stats.of(List.of(1.0, 1.0, Double.NaN)).markdown("%.2f"));
        assertEquals("n/a", Stats.of(List.of()).markdown("%.2f"));
    }
}
