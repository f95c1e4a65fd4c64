package io.latentwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** The dashboards under {@code grafana/dashboards}, read as Grafana reads them, for tests. */
final class GrafanaDashboards {
    static final Path DIR = Path.of("grafana", "dashboards");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One PromQL query of a dashboard: a panel target or a variable's query. */
    record Query(String dashboard, String where, String expr) {
        /** The query with Grafana's variables replaced by the given values. */
        String resolve(Map<String, String> values) {
            String resolved = expr;
            for (Map.Entry<String, String> v : values.entrySet()) {
                resolved = resolved.replace("${" + v.getKey() + "}", v.getValue()).replace("$" + v.getKey(), v.getValue());
            }
            return resolved;
        }

        @Override
        public String toString() {
            return dashboard + " / " + where + ": " + expr;
        }
    }

    private GrafanaDashboards() {
    }

    static List<Path> files() {
        try (Stream<Path> files = Files.list(DIR)) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode read(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read dashboard " + file, e);
        }
    }

    /** Every panel of a dashboard, those inside rows included. */
    static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** Every panel target's {@code expr}, in every dashboard. */
    static List<Query> panelQueries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            String title = dashboard.path("title").asText();
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    queries.add(new Query(title, "panel '" + panel.path("title").asText() + "' target "
                            + target.path("refId").asText(), target.path("expr").asText()));
                }
            }
        }
        return queries;
    }

    /** Every annotation query, in every dashboard. */
    static List<Query> annotationQueries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            for (JsonNode annotation : dashboard.path("annotations").path("list")) {
                if (annotation.has("expr")) {
                    queries.add(new Query(dashboard.path("title").asText(), "annotation '"
                            + annotation.path("name").asText() + "'", annotation.path("expr").asText()));
                }
            }
        }
        return queries;
    }

    /** Every query variable's query, in every dashboard. */
    static List<Query> variableQueries() {
        List<Query> queries = new ArrayList<>();
        for (Path file : files()) {
            JsonNode dashboard = read(file);
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asText().equals("query")) {
                    JsonNode query = variable.path("query");
                    String expr = query.isObject() ? query.path("query").asText() : query.asText();
                    queries.add(new Query(dashboard.path("title").asText(), "variable $" + variable.path("name").asText(),
                            expr));
                }
            }
        }
        return queries;
    }
}
