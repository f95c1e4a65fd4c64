package io.latentwatch.metrics;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * Serves {@code GET /metrics} (Prometheus text format), {@code /health/live},
 * {@code /health/ready} (200 while the detector does its work, else 503, with the reasons as JSON)
 * and {@code /model} (current model as JSON, 404 when none).
 */
public final class HttpEndpoint implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HttpEndpoint.class);
    private final HttpServer server;

    private HttpEndpoint(HttpServer server) {
        this.server = server;
    }

    /** A readiness answer: whether ready, and a JSON body saying why. */
    public record Health(boolean ready, String json) {
    }

    /**
     * Starts serving on all interfaces.
     *
     * @param port  0 picks a free port
     * @param ready readiness check, called for each request
     * @param model JSON of the current model, or null when none is loaded
     */
    public static HttpEndpoint start(int port, PrometheusMeterRegistry registry, Supplier<Health> ready,
                                     Supplier<String> model) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(port), 16);
        } catch (IOException e) {
            throw new IllegalStateException("cannot serve HTTP on port " + port + " (" + e.getMessage()
                    + "); pick another with --http-port, or -1 to turn HTTP off", e);
        }
        server.createContext("/metrics", ex -> {
            String body;
            try {
                body = registry.scrape();
            } catch (RuntimeException e) {
                // the HTTP server would drop the connection without a word: say why, here and in the log
                LOG.error("cannot render /metrics", e);
                send(ex, 500, "text/plain; charset=utf-8", "cannot render metrics: " + e + "\n");
                return;
            }
            send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", body);
        });
        server.createContext("/health/live", ex -> send(ex, 200, "application/json", "{\"status\":\"UP\"}"));
        server.createContext("/health/ready", ex -> {
            Health health = ready.get();
            send(ex, health.ready() ? 200 : 503, "application/json", health.json());
        });
        server.createContext("/model", ex -> {
            String json = model.get();
            send(ex, json == null ? 404 : 200, "application/json", json == null ? "{\"error\":\"no model loaded\"}" : json);
        });
        server.setExecutor(Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "latentwatch-http");
            t.setDaemon(true);
            return t;
        }));
        server.start();
        return new HttpEndpoint(server);
    }

    /** The port actually bound. */
    public int port() {
        return server.getAddress().getPort();
    }

    private static void send(HttpExchange exchange, int status, String contentType, String body) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
