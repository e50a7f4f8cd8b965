package io.rebill.demo;

import java.nio.file.Path;
import java.util.List;

/** What one generation wrote, in writing order, and the accounts it invented. */
public record GeneratedFiles(List<GeneratedFile> files, List<DemoAccount> accounts) {
    public GeneratedFiles {
        files = List.copyOf(files);
        accounts = List.copyOf(accounts);
    }

    public List<Path> paths() {
        return files.stream().map(GeneratedFile::path).toList();
    }

    public List<GeneratedFile> of(Format format) {
        return files.stream().filter(f -> f.format() == format).toList();
    }
}
