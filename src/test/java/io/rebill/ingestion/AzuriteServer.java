package io.rebill.ingestion;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Azurite (Microsoft's Azure Storage emulator, installed from npm by .ci/azurite.sh) as a child process on a free
 * loopback port, blobs under a temporary folder. It signs requests as Azure does, with its well-known development
 * account, so a wrong key is refused with 403 as on Azure.
 */
public final class AzuriteServer implements AutoCloseable {
    /** Azurite's well-known development account (documented by Microsoft; not a secret). */
    public static final String ACCOUNT = "devstoreaccount1";
    public static final String KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final URI endpoint;

    private AzuriteServer(Process process, URI endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static AzuriteServer start(Path data) {
        try {
            Process install = new ProcessBuilder("bash", ".ci/azurite.sh").redirectError(ProcessBuilder.Redirect.INHERIT)
                    .start();
            String main = new String(install.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (install.waitFor() != 0 || main.isEmpty()) {
                throw new IllegalStateException(".ci/azurite.sh could not install Azurite 3.37.0 (needs node 20 and npm)");
            }
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            Files.createDirectories(data);
            Process azurite = new ProcessBuilder("node", main, "--blobHost", "127.0.0.1", "--blobPort",
                    String.valueOf(port), "--location", data.toString(), "--silent", "--skipApiVersionCheck",
                    "--disableProductStyleUrl").redirectErrorStream(true)
                    .redirectOutput(data.resolve("azurite.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (Socket socket = new Socket()) {
                    socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                    break;
                } catch (IOException notYet) {
                    if (System.nanoTime() > deadline || !azurite.isAlive()) {
                        azurite.destroy();
                        throw new IllegalStateException("Azurite did not start: "
                                + Files.readString(data.resolve("azurite.log")));
                    }
                    Thread.sleep(200);
                }
            }
            return new AzuriteServer(azurite, URI.create("http://127.0.0.1:" + port + "/" + ACCOUNT));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The development account's blob endpoint, path style: {@code http://127.0.0.1:PORT/devstoreaccount1}. */
    public URI endpoint() {
        return endpoint;
    }

    /** The connection string the Azure portal would show for this account (key included). */
    public String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint + ";";
    }

    /** A client of a new container (created here), signed with the account key. */
    public BlobContainerClient newContainer(String name) {
        BlobContainerClient container = new BlobContainerClientBuilder().endpoint(endpoint + "/" + name)
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY)).buildClient();
        container.create();
        return container;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
