package dev.awsjca.wildflyapp;

import dev.awsjca.timeline.Timeline;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class DemoTimelineTest {

    private static final long T0 = 1_000_000L;

    @Test
    void theFirstCommitOnTheNewWriterIsTheFirstAfterTheCrashOnAnotherNode() {
        DemoTimeline.Events e = new DemoTimeline.Events(T0 + 500, T0 + 600, T0 + 700, "11");
        Map<String, List<Long>> commits = Map.of("11", List.of(T0 + 100, T0 + 800), "12", List.of(T0 + 400, T0 + 900, T0 + 750));
        assertEquals(T0 + 750, DemoTimeline.firstCommitOnNewWriter(commits, e));
        assertEquals(0, DemoTimeline.firstCommitOnNewWriter(Map.of("11", List.of(T0 + 800)), e));
    }

    @Test
    void thePictureIsAPngOfTheAnnouncedSize() throws Exception {
        DemoTimeline.Events e = new DemoTimeline.Events(T0 + 5_000, T0 + 5_080, T0 + 5_120, "11");
        Map<String, List<Long>> commits = Map.of("11", List.of(T0 + 100, T0 + 4_990), "12", List.of(T0 + 5_300, T0 + 5_350));
        List<OrdersWorkload.Failure> failures = List.of(
                new OrdersWorkload.Failure(T0 + 5_010, 1, 7, 1, "insert", "08007", "lost"),
                new OrdersWorkload.Failure(T0 + 5_200, 2, 9, 1, "commit", "HeuristicMixedException(08007)", "unknown"));
        byte[] png = DemoTimeline.png(commits, failures, T0, T0 + 8_000, e);
        java.nio.file.Files.write(java.nio.file.Path.of("target", "timeline-test.png"), png); // to look at
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertNotNull(image);
        assertEquals(Timeline.WIDTH, image.getWidth());
        assertEquals(Timeline.HEIGHT, image.getHeight());
    }
}
