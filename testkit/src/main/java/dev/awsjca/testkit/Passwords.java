package dev.awsjca.testkit;

import java.security.SecureRandom;

/** Random passwords for superusers nobody chose a password for. */
final class Passwords {

    private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    private static final SecureRandom RANDOM = new SecureRandom();

    private Passwords() {
    }

    static String random() {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 24; i++) {
            s.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
        }
        return s.toString();
    }
}
