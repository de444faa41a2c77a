package dev.awsjca.reliability.soak;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** One fault of the soak, from faults.csv: injected at startMs, the cluster healed again at endMs (epoch ms). */
record SoakFault(int number, long startMs, long endMs, String kind, String detail) {

    static List<SoakFault> read(Path csv) throws IOException {
        List<SoakFault> faults = new ArrayList<>();
        if (!Files.exists(csv)) {
            return faults;
        }
        for (String line : Files.readAllLines(csv)) {
            if (line.isBlank()) {
                continue;
            }
            String[] cells = line.split(",", 4);
            faults.add(new SoakFault(faults.size() + 1, Long.parseLong(cells[0]), Long.parseLong(cells[1]), cells[2],
                    cells.length > 3 ? cells[3] : ""));
        }
        return faults;
    }

    boolean failed() {
        return detail.contains("FAILED");
    }
}
