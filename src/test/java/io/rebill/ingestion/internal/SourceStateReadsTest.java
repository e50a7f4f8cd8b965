package io.rebill.ingestion.internal;

import io.rebill.shared.config.RebillSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * state.json is parsed once per version of the file (every portal view reads the sources' states); a state written
 * by another process (a CLI ingest beside the server) or a source deleted is seen at the next look all the same.
 */
class SourceStateReadsTest {
    @TempDir
    Path home;

    @Test
    void aStateReplacedByAnotherProcessIsReadAgain() throws Exception {
        SourceStore store = new SourceStore(new RebillSettings(home, "1GB", 1));
        store.configure("payer-1", "/data/first");
        assertThat(store.find("payer-1").orElseThrow().folder()).isEqualTo("/data/first");
        assertThat(store.find("payer-1").orElseThrow().folder()).isEqualTo("/data/first");

        // what another process's commit does: a new file renamed over state.json, of the same size
        Path state = home.resolve("sources").resolve("payer-1").resolve("state.json");
        Path written = state.resolveSibling("state.json.other");
        Files.writeString(written, Files.readString(state).replace("/data/first", "/data/other"));
        Files.move(written, state, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        assertThat(store.find("payer-1").orElseThrow().folder()).isEqualTo("/data/other");

        // and this process's own commit, through another instance of the store
        new SourceStore(new RebillSettings(home, "1GB", 1)).configure("payer-1", "/data/third");
        assertThat(store.find("payer-1").orElseThrow().folder()).isEqualTo("/data/third");

        store.delete("payer-1");
        assertThat(store.find("payer-1")).isEmpty();
        assertThat(store.all()).isEmpty();
    }
}
