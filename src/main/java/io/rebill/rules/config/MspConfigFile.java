package io.rebill.rules.config;

import io.rebill.rules.MspConfig;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Billing as code: an MSP's whole billing configuration in one YAML file, msp.yaml (docs/msp-config.md).
 * Reading is strict and reports every problem at once, each as {@code file:line:column: what is wrong; what is
 * expected}; writing produces a file that reads back to an equal {@link MspConfig}.
 */
public final class MspConfigFile {
    private MspConfigFile() {
    }

    /**
     * Reads msp.yaml from disk; problems name the file as given.
     *
     * @throws InvalidMspConfigException listing every problem found (code {@link ErrorCode#BAD_CONFIG})
     * @throws RebillException           {@link ErrorCode#FILE_NOT_FOUND} or {@link ErrorCode#FILE_UNREADABLE}
     */
    public static MspConfig parse(Path file, ExpressionChecker checker) {
        Objects.requireNonNull(file, "file");
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new RebillException(ErrorCode.FILE_NOT_FOUND, file + ": no such file", e);
        } catch (CharacterCodingException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, file + ": not UTF-8 text", e);
        } catch (IOException e) {
            throw new RebillException(ErrorCode.FILE_UNREADABLE, file + ": cannot be read: " + e.getMessage(), e);
        }
        return parse(file.toString(), text, checker);
    }

    /**
     * Reads msp.yaml from text (an upload, an editor); {@code name} is what problems are reported against.
     *
     * @throws InvalidMspConfigException listing every problem found (code {@link ErrorCode#BAD_CONFIG})
     */
    public static MspConfig parse(String name, String yaml, ExpressionChecker checker) {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(checker, "checker");
        // a byte order mark is not part of the YAML
        String text = yaml.startsWith("\uFEFF") ? yaml.substring(1) : yaml;
        return new MspConfigParser(name, checker).parse(text);
    }

    /** The configuration as msp.yaml text, e.g. for the portal's export; {@code parse} reads it back equal. */
    public static String toYaml(MspConfig config) {
        return MspConfigWriter.toYaml(Objects.requireNonNull(config, "config"));
    }
}
