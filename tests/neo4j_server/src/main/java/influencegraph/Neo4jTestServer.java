package influencegraph;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Map;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.kernel.internal.GraphDatabaseAPI;

/**
 * Neo4j 5 Community, the real engine, with Bolt on 127.0.0.1: for the test suite and for
 * development without Docker. Authentication is on, with a generated password for the user
 * neo4j. Once Bolt answers it prints the three lines
 *
 * <pre>
 * export NEO4J_URI=bolt://127.0.0.1:PORT
 * export NEO4J_USERNAME=neo4j
 * export NEO4J_PASSWORD=...
 * </pre>
 *
 * and serves until interrupted, or, with --exit-on-eof, until its standard input closes (so a
 * test run that dies cannot leave a server behind). Options: --port N (default: a free port),
 * --data DIR (default: a temporary folder, deleted on exit), --password P.
 */
public final class Neo4jTestServer {
    private Neo4jTestServer() {}

    public static void main(String[] args) throws Exception {
        Map<String, String> options = parse(args);
        boolean temporary = !options.containsKey("--data");
        Path data = temporary
                ? Files.createTempDirectory("influence-graph-neo4j-")
                : Path.of(options.get("--data")).toAbsolutePath();
        Files.createDirectories(data);
        String password = options.getOrDefault("--password", generatedPassword());
        int port = Integer.parseInt(options.getOrDefault("--port", "0"));

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(data)
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                // Embedded Neo4j lets LOAD CSV read any file on the machine; a server for tests
                // and development has no business doing that.
                .setConfig(GraphDatabaseSettings.allow_file_urls, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, 64L * 1024 * 1024)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofMinutes(5))
                // Netty waits a quiet period of 5 s per event loop before Bolt stops (10 s in all):
                // nothing is in flight when we stop, so stop at once.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_timeout, Duration.ofSeconds(2))
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.shutdown();
            if (temporary) {
                deleteTree(data);
            }
        }, "neo4j-shutdown"));

        GraphDatabaseService system = service.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME);
        system.executeTransactionally(
                "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));

        GraphDatabaseService neo4j = service.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        int bolt = ((GraphDatabaseAPI) neo4j).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT)
                .getPort();
        awaitBolt(bolt);

        System.out.println("export NEO4J_URI=bolt://127.0.0.1:" + bolt);
        System.out.println("export NEO4J_USERNAME=neo4j");
        System.out.println("export NEO4J_PASSWORD=" + password);
        System.out.flush();

        if (options.containsKey("--exit-on-eof")) {
            InputStream in = System.in;
            while (in.read() != -1) {
                // Only the end of input matters: the parent has gone.
            }
            System.exit(0);
        }
        Thread.currentThread().join();
    }

    private static Map<String, String> parse(String[] args) {
        java.util.HashMap<String, String> options = new java.util.HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            switch (arg) {
                case "--exit-on-eof" -> options.put(arg, "");
                case "--data", "--port", "--password" -> {
                    if (i + 1 >= args.length) {
                        usage(arg + " needs a value");
                    }
                    options.put(arg, args[++i]);
                }
                default -> usage("unknown option " + arg);
            }
        }
        return options;
    }

    private static void usage(String problem) {
        System.err.println("neo4j-test-server: " + problem
                + "\nusage: [--data DIR] [--port N] [--password P] [--exit-on-eof]");
        System.exit(2);
    }

    private static String generatedPassword() {
        byte[] bytes = new byte[12];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    /** Bolt is bound once the port accepts a connection. */
    private static void awaitBolt(int port) throws InterruptedException {
        for (int attempt = 0; attempt < 600; attempt++) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("Bolt did not answer on port " + port);
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException ignored) {
            // A temporary folder left behind is harmless.
        }
    }
}
