package io.rebill.ingestion.internal;

import io.rebill.ingestion.InputFile;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Content fingerprints, so that ingesting the same files again is recognised whatever their names. */
final class Fingerprints {
    private Fingerprints() {
    }

    static InputFile of(Path path) {
        try (InputStream in = Files.newInputStream(path)) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                sha.update(buffer, 0, n);
                total += n;
            }
            return new InputFile(path.toString(), HexFormat.of().formatHex(sha.digest()), total);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, path + ": cannot read: " + e.getMessage());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
