package io.rebill.shared.duckdb;

import java.nio.file.Path;

/** Deletes a folder tree (benchmark and job scratch space). */
public final class Trash {
    private Trash() {
    }

    public static void delete(Path root) {
        SpillCleaningConnection.deleteTree(root);
    }
}
