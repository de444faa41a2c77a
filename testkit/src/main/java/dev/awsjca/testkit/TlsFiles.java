package dev.awsjca.testkit;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A self-signed server certificate for every address a cluster uses, made with {@code openssl}. The
 * certificate is its own root, so clients verify it with {@code sslrootcert=<cert>} and
 * {@code sslmode=verify-full}: its subjectAltName lists each loopback address the cluster listens on.
 */
final class TlsFiles {

    private final Path certificate;
    private final Path privateKey;

    private TlsFiles(Path certificate, Path privateKey) {
        this.certificate = certificate;
        this.privateKey = privateKey;
    }

    static TlsFiles generate(Path dir, List<String> addresses) {
        Path cert = dir.resolve("server.crt");
        Path key = dir.resolve("server.key");
        StringBuilder san = new StringBuilder("subjectAltName=DNS:localhost");
        for (String address : addresses) {
            san.append(",IP:").append(address);
        }
        try {
            // EC keys are made in milliseconds where RSA takes a noticeable part of the start budget
            ProcessRunner.run(List.of("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
                    "-nodes", "-days", "30", "-subj", "/CN=awsjca-testkit", "-addext", san.toString(),
                    "-keyout", key.toString(), "-out", cert.toString()), Duration.ofSeconds(30), dir, Map.of());
        } catch (TestkitException e) {
            throw new TestkitException("could not make the cluster's TLS certificate with openssl (Debian package: openssl): "
                    + e.getMessage(), e);
        }
        return new TlsFiles(cert, key);
    }

    Path certificate() {
        return certificate;
    }

    Path privateKey() {
        return privateKey;
    }
}
