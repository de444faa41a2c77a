package dev.awsjca.ra;

import javax.transaction.xa.Xid;
import java.util.Arrays;
import java.util.Base64;

/**
 * The text PostgreSQL's {@code PREPARE TRANSACTION} takes for a branch: format id, global transaction id
 * and branch qualifier as {@code formatId_base64(gtrid)_base64(bqual)}. It is the layout pgjdbc's own
 * XA implementation writes, so branches prepared by either are recovered by either.
 */
final class Gid {

    private Gid() {
    }

    static String of(Xid xid) {
        Base64.Encoder b64 = Base64.getEncoder();
        return xid.getFormatId() + "_" + b64.encodeToString(xid.getGlobalTransactionId()) + "_"
                + b64.encodeToString(xid.getBranchQualifier());
    }

    /** Whether two Xids name the same branch (TMs hand out their own Xid objects for it). */
    static boolean same(Xid a, Xid b) {
        return a != null && b != null && (a == b || (a.getFormatId() == b.getFormatId()
                && Arrays.equals(a.getGlobalTransactionId(), b.getGlobalTransactionId())
                && Arrays.equals(a.getBranchQualifier(), b.getBranchQualifier())));
    }

    /** A branch id from its three parts (the arrays are the caller's to keep unchanged). */
    static Xid branch(int formatId, byte[] gtrid, byte[] bqual) {
        return new Branch(formatId, gtrid, bqual);
    }

    /** The branch a prepared transaction's gid names; null for a gid not written by an XA resource. */
    static Xid parse(String gid) {
        int first = gid.indexOf('_');
        int second = gid.indexOf('_', first + 1);
        if (first <= 0 || second < 0 || gid.indexOf('_', second + 1) >= 0) {
            return null;
        }
        try {
            int formatId = Integer.parseInt(gid.substring(0, first));
            Base64.Decoder b64 = Base64.getDecoder();
            return branch(formatId, b64.decode(gid.substring(first + 1, second)), b64.decode(gid.substring(second + 1)));
        } catch (IllegalArgumentException e) {
            return null; // some other tool's prepared transaction
        }
    }

    /** A branch id; equal to any Xid with the same three parts, as TMs compare them. */
    private static final class Branch implements Xid {
        private final int formatId;
        private final byte[] gtrid;
        private final byte[] bqual;

        Branch(int formatId, byte[] gtrid, byte[] bqual) {
            this.formatId = formatId;
            this.gtrid = gtrid;
            this.bqual = bqual;
        }

        @Override
        public int getFormatId() {
            return formatId;
        }

        @Override
        public byte[] getGlobalTransactionId() {
            return gtrid.clone();
        }

        @Override
        public byte[] getBranchQualifier() {
            return bqual.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Xid x && same(this, x);
        }

        @Override
        public int hashCode() {
            return 31 * (31 * formatId + Arrays.hashCode(gtrid)) + Arrays.hashCode(bqual);
        }

        @Override
        public String toString() {
            return Gid.of(this);
        }
    }
}
