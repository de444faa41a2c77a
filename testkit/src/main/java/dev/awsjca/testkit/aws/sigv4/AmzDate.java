package dev.awsjca.testkit.aws.sigv4;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/** The SigV4 timestamp format, {@code yyyyMMdd'T'HHmmss'Z'} in UTC. */
public final class AmzDate {

    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private AmzDate() {
    }

    public static Instant parse(String amzDate) throws SignatureFormatException {
        if (amzDate == null) {
            throw new SignatureFormatException("the request time (X-Amz-Date) is missing");
        }
        try {
            return Instant.from(FORMAT.parse(amzDate));
        } catch (DateTimeParseException e) {
            throw new SignatureFormatException("the request time (X-Amz-Date) must be yyyyMMdd'T'HHmmss'Z'");
        }
    }

    public static String format(Instant instant) {
        return FORMAT.format(instant);
    }

    /** The yyyyMMdd day of an X-Amz-Date, which the credential scope must repeat. */
    public static String day(String amzDate) {
        return amzDate.substring(0, 8);
    }
}
