package io.lakehub.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A real Azure Blob endpoint for tests: the Blob service of Azurite (npm package {@code azurite},
 * https://github.com/Azure/Azurite), one process per test JVM on a free loopback port with a throwaway
 * workspace, stopped when the JVM exits.
 *
 * <p>Where it comes from, in order: the connection string in {@value #CONNECTION_ENV} (an Azurite or
 * storage account already running), else the {@code azurite-blob} executable on the PATH (or at
 * {@value #BIN_ENV}), which {@code .ci/run} installs with {@code npm install -g azurite}.
 *
 * <p>When neither works the test is skipped with the reason, except with {@code CI=true}, where it fails:
 * CI always exercises the Blob path (the same rule as {@link Databases}).
 */
public final class Azurite {

    /** Environment variable with a ready Blob connection string; no process is started then. */
    public static final String CONNECTION_ENV = "LAKEHUB_TEST_AZURITE_CONNECTION_STRING";
    /** Environment variable with the path of the {@code azurite-blob} executable. */
    public static final String BIN_ENV = "LAKEHUB_AZURITE_BIN";
    /** Azurite's well-known development account (https://learn.microsoft.com/azure/storage/common/storage-use-azurite). */
    public static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's well-known development account key (public, documented; not a secret). */
    public static final String ACCOUNT_KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    /** How long the started process may take to accept connections. */
    public static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private static String connectionString;
    private static Throwable failure;

    private Azurite() {
    }

    /**
     * The Blob connection string of a running Azurite (or of {@value #CONNECTION_ENV}), starting the
     * process on first use.
     *
     * @return {@code DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=...;BlobEndpoint=http://127.0.0.1:<port>/devstoreaccount1;}
     * @throws org.opentest4j.TestAbortedException if Azurite is not available and {@code CI} is not {@code true}
     * @throws org.opentest4j.AssertionFailedError if Azurite is not available and {@code CI=true}
     */
    public static synchronized String blobConnectionString() {
        if (connectionString == null && failure == null) {
            try {
                connectionString = resolve();
            } catch (Exception e) {
                failure = e;
            }
        }
        if (connectionString != null) {
            return connectionString;
        }
        String why = "Azurite Blob service not available (" + failure.getMessage() + "); install it with "
                + "`npm install -g azurite` or set " + CONNECTION_ENV;
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            Assertions.fail(why + " [CI=true: failing instead of skipping]", failure);
        }
        Assumptions.abort(why);
        return null;
    }

    /** The Blob endpoint of {@link #blobConnectionString()}, e.g. {@code http://127.0.0.1:41234/devstoreaccount1}. */
    public static String blobEndpoint() {
        for (String part : blobConnectionString().split(";")) {
            if (part.startsWith("BlobEndpoint=")) {
                return part.substring("BlobEndpoint=".length());
            }
        }
        throw new IllegalStateException("connection string has no BlobEndpoint");
    }

    private static String resolve() throws IOException {
        String given = System.getenv(CONNECTION_ENV);
        if (given != null && !given.isBlank()) {
            return given;
        }
        String bin = System.getenv(BIN_ENV) != null ? System.getenv(BIN_ENV) : "azurite-blob";
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path workspace = Files.createTempDirectory("azurite-");
        Process process;
        try {
            process = new ProcessBuilder(List.of(bin, "--blobHost", "127.0.0.1", "--blobPort", Integer.toString(port),
                    "--location", workspace.toString(), "--silent", "--skipApiVersionCheck", "--loose",
                    "--disableTelemetry"))
                    .redirectErrorStream(true)
                    .redirectOutput(workspace.resolve("azurite.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new IOException("cannot start " + bin + ": " + e.getMessage(), e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "azurite-stop"));
        Path log = workspace.resolve("azurite.log");
        try {
            Awaitility.await().atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    throw new IllegalStateException(bin + " exited with " + process.exitValue() + ": "
                            + Files.readString(log).strip());
                }
                return accepts(port);
            });
        } catch (ConditionTimeoutException e) {
            process.destroy();
            throw new IOException(bin + " did not accept connections on port " + port + " within " + START_TIMEOUT);
        }
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + ACCOUNT_KEY
                + ";BlobEndpoint=http://127.0.0.1:" + port + "/" + ACCOUNT + ";";
    }

    private static boolean accepts(int port) {
        try (Socket probe = new Socket()) {
            probe.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
