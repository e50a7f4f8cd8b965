package io.rebill.ingestion;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A source reading a folder on this machine, e.g. a synced copy of the CUR bucket. */
public record LocalFolder(Path folder) implements SourceLocation {
    public LocalFolder {
        folder = folder.toAbsolutePath().normalize();
    }

    @Override
    public String describe() {
        return folder.toString();
    }

    @Override
    public List<Path> fetch(Path workDir) {
        if (!Files.isDirectory(folder)) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, folder + ": the source's folder does not exist"
                    + " (change it with: rebill source add NAME --folder DIR)");
        }
        return List.of(folder);
    }
}
