package dev.awsjca.plugins.secretsmanager;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;

/** What a database secret holds: the login, and where it is when the secret says (RDS-managed secrets do). */
record DatabaseSecret(String username, String password, String dbname) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Parses the SecretString; errors name the secret and the problem, never the value. */
    static DatabaseSecret parse(String secretId, String secretString) throws SQLException {
        if (secretString == null) {
            throw unusable(secretId, "the answer holds no SecretString");
        }
        JsonNode json;
        try {
            json = JSON.readTree(secretString);
        } catch (java.io.IOException e) {
            throw unusable(secretId, "its value is not JSON"); // no cause: the parser's message quotes the value
        }
        if (json == null || !json.isObject()) {
            throw unusable(secretId, "its value is not a JSON object");
        }
        return new DatabaseSecret(field(secretId, json, "username"), field(secretId, json, "password"),
                json.hasNonNull("dbname") ? json.get("dbname").asText() : null);
    }

    private static String field(String secretId, JsonNode json, String name) throws SQLException {
        JsonNode value = json.get(name);
        if (value == null || !value.isTextual() || value.asText().isEmpty()) {
            throw unusable(secretId, "it has no text field \"" + name + "\"");
        }
        return value.asText();
    }

    /** The secret was read but cannot serve as a login: why, without the value. */
    static SQLException unusable(String secretId, String why) {
        return new SQLInvalidAuthorizationSpecException("Secret '" + secretId + "' cannot be used as database credentials: " + why,
                "28000");
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "DatabaseSecret[username=" + username + "]";
    }
}
