package io.rebill.tenancy;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A managed account's contact email: the MSP's administrator id for that account, so it must be in the MSP's own
 * email domain (seed: "must match your company's email domain"); a {@code +alias} is how one MSP address serves many
 * customers ({@code admin+acme@msp.example}).
 */
public final class ContactEmail {
    private static final Pattern SHAPE = Pattern.compile("^[A-Za-z0-9._%+'-]{1,64}@([A-Za-z0-9-]+(\\.[A-Za-z0-9-]+)+)$");

    private ContactEmail() {
    }

    /** Returns the address trimmed and with its domain lower-cased, or throws naming the field and the rule broken. */
    public static String checkInDomain(String email, String mspDomain) {
        String checked;
        try {
            checked = check(email, "contact_email");
        } catch (RebillException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, e.getMessage() + " like admin+customer@" + mspDomain);
        }
        if (!domainOf(checked).equals(mspDomain.toLowerCase(Locale.ROOT))) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "contact_email '" + checked + "' must be in your email"
                    + " domain " + mspDomain + " (an alias like admin+customer@" + mspDomain + " is fine)");
        }
        return checked;
    }

    /** A general user email (users may be in any domain); returns it trimmed with a lower-cased domain. */
    public static String check(String email, String field) {
        String trimmed = email == null ? "" : email.strip();
        var matcher = SHAPE.matcher(trimmed);
        if (!matcher.matches() || trimmed.length() > 254) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, field + " '" + trimmed + "' is not an email address");
        }
        int at = trimmed.indexOf('@');
        return trimmed.substring(0, at) + "@" + matcher.group(1).toLowerCase(Locale.ROOT);
    }

    public static String domainOf(String email) {
        return email.substring(email.indexOf('@') + 1).toLowerCase(Locale.ROOT);
    }
}
