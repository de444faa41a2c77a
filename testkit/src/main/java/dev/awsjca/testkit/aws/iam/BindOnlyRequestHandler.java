package dev.awsjca.testkit.aws.iam;

import com.unboundid.ldap.listener.LDAPListenerClientConnection;
import com.unboundid.ldap.listener.LDAPListenerRequestHandler;
import com.unboundid.ldap.protocol.AddRequestProtocolOp;
import com.unboundid.ldap.protocol.AddResponseProtocolOp;
import com.unboundid.ldap.protocol.BindRequestProtocolOp;
import com.unboundid.ldap.protocol.BindResponseProtocolOp;
import com.unboundid.ldap.protocol.CompareRequestProtocolOp;
import com.unboundid.ldap.protocol.CompareResponseProtocolOp;
import com.unboundid.ldap.protocol.DeleteRequestProtocolOp;
import com.unboundid.ldap.protocol.DeleteResponseProtocolOp;
import com.unboundid.ldap.protocol.ExtendedRequestProtocolOp;
import com.unboundid.ldap.protocol.ExtendedResponseProtocolOp;
import com.unboundid.ldap.protocol.LDAPMessage;
import com.unboundid.ldap.protocol.ModifyDNRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyDNResponseProtocolOp;
import com.unboundid.ldap.protocol.ModifyRequestProtocolOp;
import com.unboundid.ldap.protocol.ModifyResponseProtocolOp;
import com.unboundid.ldap.protocol.SearchRequestProtocolOp;
import com.unboundid.ldap.protocol.SearchResultDoneProtocolOp;
import com.unboundid.ldap.sdk.Control;
import com.unboundid.ldap.sdk.ResultCode;
import java.util.List;
import java.util.function.Function;

/**
 * The LDAP side of the IAM token check: a bind succeeds or fails by what the checker decides; every other
 * LDAP operation is refused, as PostgreSQL's simple-bind mode needs none. Stateless, so one instance
 * serves every connection.
 */
final class BindOnlyRequestHandler extends LDAPListenerRequestHandler {

    private static final int UNWILLING = ResultCode.UNWILLING_TO_PERFORM_INT_VALUE;
    private static final String ONLY_BINDS = "this server only answers simple binds";

    private final Function<BindRequestProtocolOp, BindAttempt> checker;

    BindOnlyRequestHandler(Function<BindRequestProtocolOp, BindAttempt> checker) {
        this.checker = checker;
    }

    @Override
    public LDAPListenerRequestHandler newInstance(LDAPListenerClientConnection connection) {
        return this;
    }

    @Override
    public LDAPMessage processBindRequest(int messageID, BindRequestProtocolOp request, List<Control> controls) {
        BindAttempt attempt = checker.apply(request);
        // the diagnostic message lands in PostgreSQL's server log: the reason, never the token
        int resultCode = attempt.accepted() ? ResultCode.SUCCESS_INT_VALUE : ResultCode.INVALID_CREDENTIALS_INT_VALUE;
        String diagnostic = attempt.accepted() ? null : "IAM token refused: " + attempt.check() + ": " + attempt.detail();
        return new LDAPMessage(messageID, new BindResponseProtocolOp(resultCode, null, diagnostic, null, null));
    }

    @Override
    public LDAPMessage processAddRequest(int messageID, AddRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new AddResponseProtocolOp(UNWILLING, null, ONLY_BINDS, null));
    }

    @Override
    public LDAPMessage processCompareRequest(int messageID, CompareRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new CompareResponseProtocolOp(UNWILLING, null, ONLY_BINDS, null));
    }

    @Override
    public LDAPMessage processDeleteRequest(int messageID, DeleteRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new DeleteResponseProtocolOp(UNWILLING, null, ONLY_BINDS, null));
    }

    @Override
    public LDAPMessage processExtendedRequest(int messageID, ExtendedRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new ExtendedResponseProtocolOp(UNWILLING, null, ONLY_BINDS, null, null, null));
    }

    @Override
    public LDAPMessage processModifyRequest(int messageID, ModifyRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new ModifyResponseProtocolOp(UNWILLING, null, ONLY_BINDS, null));
    }

    @Override
    public LDAPMessage processModifyDNRequest(int messageID, ModifyDNRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new ModifyDNResponseProtocolOp(UNWILLING, null, ONLY_BINDS, null));
    }

    @Override
    public LDAPMessage processSearchRequest(int messageID, SearchRequestProtocolOp request, List<Control> controls) {
        return new LDAPMessage(messageID, new SearchResultDoneProtocolOp(UNWILLING, null, ONLY_BINDS, null));
    }
}
