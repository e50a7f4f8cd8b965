package io.rebill.web;

import org.springframework.http.converter.HttpMessageNotReadableException;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

import java.util.stream.Collectors;

/** Says what is wrong with a request body in the caller's terms: the field path, the line and column, the fix. */
final class JsonErrors {
    private JsonErrors() {
    }

    static String describe(HttpMessageNotReadableException e) {
        Throwable cause = e.getCause();
        if (cause instanceof UnrecognizedPropertyException unknown) {
            return "unknown field '" + unknown.getPropertyName() + "'" + at(unknown) + "; known fields: "
                    + unknown.getKnownPropertyIds().stream().map(Object::toString).sorted()
                    .collect(Collectors.joining(", "));
        }
        if (cause instanceof JacksonException json) {
            String path = json.getPath().stream().map(r -> r.getPropertyName() != null ? r.getPropertyName()
                    : "[" + r.getIndex() + "]").collect(Collectors.joining("."));
            String what = json.getOriginalMessage();
            int newline = what.indexOf('\n');
            return "the request body is not valid JSON for this request" + (path.isEmpty() ? "" : " at field '" + path + "'")
                    + at(json) + ": " + (newline > 0 ? what.substring(0, newline) : what);
        }
        return "the request body is missing or is not JSON";
    }

    private static String at(JacksonException e) {
        var location = e.getLocation();
        return location == null || location.getLineNr() < 1 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    static String constraint(org.springframework.dao.DuplicateKeyException e) {
        String message = e.getMostSpecificCause().getMessage();
        int key = message == null ? -1 : message.indexOf("Key (");
        return key < 0 ? "unique constraint" : message.substring(key).strip();
    }
}
