package dev.awsjca.timeline;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

class TimelineTest {

    private static final long FAULT = 1_700_000_000_000L;

    @Test
    void successesAreCountedPerBucketFromTheStartAndNothingOutsideIsCounted() {
        long[] counts = Lane.perBucket(List.of(-1L, 0L, 99L, 100L, 250L, 300L), 0, 300, 100);
        assertArrayEquals(new long[] {2, 1, 1}, counts);
        assertArrayEquals(new long[] {2, 1, 1}, Lane.perBucket(List.of(0L, 99L, 100L, 250L, 300L, 340L), 0, 350, 100),
                "the last 50 ms are not a bucket");
    }

    @Test
    void oneLaneIsAPngOfTheDefaultSize(@TempDir Path dir) throws Exception {
        Lane lane = lane("", FAULT);
        BufferedImage image = ImageIO.read(new Timeline("one client", "seconds from the crash")
                .lane(lane).write(dir.resolve("one.png")).toFile());
        assertNotNull(image);
        assertEquals(Timeline.WIDTH, image.getWidth());
        assertEquals(Timeline.HEIGHT, image.getHeight());
    }

    @Test
    void twoLanesOfDifferentRunsShareTheTimeAxisAndAreTallerByHalf(@TempDir Path dir) throws Exception {
        Path file = new Timeline("two clients, one failover each", "seconds from the fault")
                .lane(lane("adapter", FAULT))
                .lane(lane("pgjdbc", FAULT + 60_000).failure(FAULT + 60_150, "08006"))
                .write(dir.resolve("runs").resolve("two.png"));
        Files.copy(file, Path.of("target", "timeline-test.png"), java.nio.file.StandardCopyOption.REPLACE_EXISTING); // to look at
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image);
        assertEquals(Timeline.WIDTH, image.getWidth());
        assertEquals(Timeline.HEIGHT * 3 / 2, image.getHeight());
    }

    /** Writes every 2 ms on the old writer until the fault, none for 300 ms, then on the new writer. */
    private static Lane lane(String name, long fault) {
        Lane lane = new Lane(name, "writes", fault, fault - 1_000, fault + 1_000);
        for (long t = fault - 1_000; t < fault + 1_000; t += 2) {
            if (t < fault) {
                lane.success(t, "writes on the old writer");
            } else if (t >= fault + 300) {
                lane.success(t, "writes on the new writer");
            }
        }
        return lane.failure(fault + 5, "08007")
                .event(fault, "crash").event(fault + 80, "promoted").event(0, "unknown step")
                .event(fault + 300, "first write on the new writer");
    }
}
