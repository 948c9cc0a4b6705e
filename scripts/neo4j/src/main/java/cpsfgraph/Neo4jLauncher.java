package cpsfgraph;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.ConnectorPortRegister;
import org.neo4j.configuration.connectors.ConnectorType;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;
import org.neo4j.io.ByteUnit;
import org.neo4j.kernel.internal.GraphDatabaseAPI;
import org.neo4j.logging.log4j.Log4jLogProvider;

/**
 * Runs an embedded Neo4j (community) with a Bolt connector on 127.0.0.1 and auth disabled,
 * for integration tests.
 *
 * <pre>
 * java -jar neo4j-launcher.jar [--port N] [--port-file FILE] [--data-dir DIR] [--pagecache-mb N] [--tx-memory-mb N]
 *                                [--auth-password PASSWORD]
 * </pre>
 *
 * Port 0 (the default) lets Bolt bind any free port. Without --data-dir a temporary folder is used and
 * deleted on exit. When the default database is available, prints {@code BOLT_URI=bolt://127.0.0.1:PORT}
 * on stdout and writes PORT to the port file. SIGTERM/SIGINT shut the database down cleanly.
 * Environment fallbacks: NEO4J_PORT, NEO4J_PORT_FILE, NEO4J_DATA_DIR, NEO4J_PAGECACHE_MB, NEO4J_TX_MEMORY_MB
 * (the limit of the memory all running transactions may hold; one import runs as one transaction),
 * NEO4J_AUTH_PASSWORD (when set, authentication is on and user neo4j has this password, at least 8
 * characters; for tests of credential errors).
 */
public final class Neo4jLauncher {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(option(args, "--port", "NEO4J_PORT", "0"));
        String portFileArg = option(args, "--port-file", "NEO4J_PORT_FILE", "");
        String dataDirArg = option(args, "--data-dir", "NEO4J_DATA_DIR", "");
        long pageCacheMb = Long.parseLong(option(args, "--pagecache-mb", "NEO4J_PAGECACHE_MB", "256"));
        long txMemoryMb = Long.parseLong(option(args, "--tx-memory-mb", "NEO4J_TX_MEMORY_MB", "512"));
        String password = option(args, "--auth-password", "NEO4J_AUTH_PASSWORD", "");

        boolean temporary = dataDirArg.isEmpty();
        Path home = temporary ? Files.createTempDirectory("cpsfgraph-neo4j-") : Path.of(dataDirArg);
        Files.createDirectories(home);
        Path portFile = portFileArg.isEmpty() ? null : Path.of(portFileArg).toAbsolutePath();
        System.err.println("neo4j-launcher: data in " + home + (temporary ? " (temporary)" : ""));

        // Registered first so that the temporary folder is also removed when startup fails.
        Log4jLogProvider userLog = new Log4jLogProvider(System.err);
        AtomicReference<DatabaseManagementService> running = new AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-launcher: shutting down");
            long s0 = System.nanoTime();
            try {
                DatabaseManagementService dbms = running.get();
                if (dbms != null) {
                    dbms.shutdown();
                }
            } catch (Throwable t) {
                t.printStackTrace();
            }
            userLog.close();
            try {
                if (portFile != null) {
                    Files.deleteIfExists(portFile);
                }
                if (temporary) {
                    deleteTree(home);
                }
            } catch (IOException e) {
                e.printStackTrace();
            }
            System.err.printf("neo4j-launcher: stopped in %d ms%n", (System.nanoTime() - s0) / 1_000_000);
        }, "neo4j-launcher-shutdown"));

        long t0 = System.nanoTime();
        DatabaseManagementService dbms;
        try {
            dbms = start(home, port, pageCacheMb, txMemoryMb, !password.isEmpty(), userLog);
            running.set(dbms);
        } catch (RuntimeException e) {
            e.printStackTrace();
            System.exit(1); // runs the shutdown hook, which removes the temporary folder
            return;
        }

        GraphDatabaseService db = dbms.database(GraphDatabaseSettings.DEFAULT_DATABASE_NAME);
        if (!db.isAvailable(Duration.ofMinutes(3).toMillis())) {
            System.err.println("neo4j-launcher: database did not become available");
            System.exit(1);
        }
        if (!password.isEmpty()) {
            // Embedded calls bypass authentication: set the password of the default user.
            dbms.database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME).executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED", java.util.Map.of("password", password));
            System.err.println("neo4j-launcher: authentication on (user neo4j)");
        }
        int boltPort = ((GraphDatabaseAPI) db).getDependencyResolver()
                .resolveDependency(ConnectorPortRegister.class)
                .getLocalAddress(ConnectorType.BOLT)
                .getPort();

        if (portFile != null) {
            Path tmp = portFile.resolveSibling(portFile.getFileName() + ".tmp");
            Files.writeString(tmp, boltPort + "\n");
            Files.move(tmp, portFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        System.err.printf("neo4j-launcher: ready in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        System.out.println("BOLT_URI=bolt://127.0.0.1:" + boltPort);
        System.out.flush();

        Thread.currentThread().join(); // park; SIGTERM/SIGINT run the shutdown hook
    }

    private static DatabaseManagementService start(Path home, int port, long pageCacheMb, long txMemoryMb, boolean auth, Log4jLogProvider userLog) {
        return new DatabaseManagementServiceBuilder(home)
                .setUserLogProvider(userLog) // Neo4j's user log (neo4j.log) goes to stderr
                .setConfig(GraphDatabaseSettings.auth_enabled, auth)
                .setConfig(GraphDatabaseSettings.udc_enabled, false) // no usage reports: no network here
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pageCacheMb))
                .setConfig(GraphDatabaseSettings.memory_transaction_global_max_size, ByteUnit.mebiBytes(txMemoryMb))
                .setConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                // Netty's default 2 s quiet period per Bolt event loop group makes shutdown take ~10 s.
                .setConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                .build();
    }

    /** Value of "--name VALUE" or "--name=VALUE", else the environment variable, else the default. */
    private static String option(String[] args, String name, String env, String dflt) {
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                return args[i + 1];
            }
            if (args[i].startsWith(name + "=")) {
                return args[i].substring(name.length() + 1);
            }
        }
        String v = System.getenv(env);
        return v == null || v.isEmpty() ? dflt : v;
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
