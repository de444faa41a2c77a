package dev.awsjca.reliability.bank;

/** One try at a transfer: the row it writes carries both numbers, so the audit knows which try took effect. */
public record Attempt(long transferId, int number) {
}
