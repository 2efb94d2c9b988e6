package portal.searchnode;

import static org.codelibs.opensearch.runner.OpenSearchRunner.newConfigs;

import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One OpenSearch node on loopback, for the portal's tests and benchmarks.
 *
 * Usage: SearchNode HTTP_PORT DATA_DIR. Prints "ready" once the cluster is at least yellow and
 * runs until it is stopped (SIGTERM closes the node cleanly).
 */
public final class SearchNode {
    private SearchNode() {
    }

    public static void main(final String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("usage: SearchNode HTTP_PORT DATA_DIR");
            System.exit(2);
        }
        final String httpPort = args[0];
        final OpenSearchRunner runner = new OpenSearchRunner();
        runner.setMaxHttpPort(-1); // the port asked for, or fail: never a neighbour's
        runner.onBuild((number, settings) -> {
            settings.put("http.port", httpPort);
            settings.put("network.host", "127.0.0.1");
            settings.put("transport.port", "0"); // any free port: this node talks to no other
            settings.put("discovery.type", "single-node");
            // Disk thresholds would make a nearly full CI disk refuse writes mid-suite.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", false);
            settings.put("action.auto_create_index", false);
            // A search with facets searches the index's segments on all cores at once: at a
            // million cases one core alone takes several times as long (README, benchmarks).
            settings.put("search.concurrent_segment_search.mode", "auto");
        });
        final CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                runner.close();
            } catch (final Exception e) {
                System.err.println("closing the node failed: " + e);
            }
            stopped.countDown();
        }));
        runner.build(newConfigs().numOfNode(1).basePath(args[1]).clusterName("portal-search"));
        runner.ensureYellow();
        System.out.println("ready on http://127.0.0.1:" + httpPort);
        stopped.await();
    }
}
