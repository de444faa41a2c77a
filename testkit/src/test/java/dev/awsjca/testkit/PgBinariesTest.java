package dev.awsjca.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where the server binaries come from, and the error that tells what to install when they are missing. */
class PgBinariesTest {

    @TempDir
    Path empty;

    @Test
    void missingBinariesNameThePackageToInstall() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> PgBinaries.locate(empty.resolve("nothing").toString(), () -> null, empty.resolve("no-debian")));
        assertTrue(e.getMessage().contains("postgresql-15"), e.getMessage());
        assertTrue(e.getMessage().contains("PG_BIN"), e.getMessage());
    }

    @Test
    void pgBinWinsWhenComplete() throws Exception {
        Path real = PgBinaries.find().binDir();
        assertEquals(real, PgBinaries.locate(real.toString(), () -> null, empty));
    }

    @Test
    void newestDebianVersionIsChosen() throws Exception {
        Path debian = empty.resolve("postgresql");
        for (String version : new String[] {"9", "15", "13"}) {
            Path bin = Files.createDirectories(debian.resolve(version).resolve("bin"));
            for (String tool : new String[] {"initdb", "pg_ctl", "postgres", "pg_rewind"}) {
                Files.createFile(bin.resolve(tool), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
        }
        assertEquals(debian.resolve("15").resolve("bin"), PgBinaries.locate(null, () -> null, debian));
    }
}
