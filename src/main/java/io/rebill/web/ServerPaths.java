package io.rebill.web;

import java.util.regex.Pattern;

/**
 * Pages never show where the server keeps files (docs/portal.md): a message that names a file keeps the file's
 * name and loses its folders ("/srv/rebill/imports/x/cur.csv: line 3" reads "cur.csv: line 3").
 */
public final class ServerPaths {
    /** An absolute path's folders; the API's own routes (/api/v1/sso) are not server folders and stay. */
    private static final Pattern FOLDERS = Pattern.compile("(?<![\\w.:/])(?!/api/)(/[^\\s/:'\"]+)+/(?=[^\\s/])");

    private ServerPaths() {
    }

    public static String withoutFolders(String message) {
        return message == null ? null : FOLDERS.matcher(message).replaceAll("");
    }
}
