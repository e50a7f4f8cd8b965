package io.rebill.demo;

/** Told about each file as soon as it is complete; called on the generating thread. */
@FunctionalInterface
public interface GenerationListener {
    GenerationListener NONE = file -> { };

    void fileWritten(GeneratedFile file);
}
