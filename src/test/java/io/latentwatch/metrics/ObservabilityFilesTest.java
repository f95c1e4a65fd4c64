package io.latentwatch.metrics;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboards, the Grafana provisioning, the alert rules and {@code docs/observability.md}
 * agree with each other: the docs show every panel's real query and every alert's runbook.
 */
class ObservabilityFilesTest {
    private static final Path DOCS = Path.of("docs", "observability.md");
    private static final Path DATASOURCE = Path.of("grafana", "provisioning", "datasources", "prometheus.yml");
    private static final Path ALERTS = Path.of("deploy", "prometheus", "alerts.yml");

    @Test
    void shouldPointEveryPanelAtTheProvisionedDatasource() throws IOException {
        // Given the provisioned datasource's uid
        Matcher uid = Pattern.compile("(?m)^\\s*uid:\\s*(\\S+)").matcher(Files.readString(DATASOURCE));
        assertThat(uid.find()).as("uid in " + DATASOURCE).isTrue();

        // When every dashboard's panels and targets are read  Then each names that uid, and panel ids are unique
        assertThat(GrafanaDashboards.files()).hasSize(3);
        for (Path file : GrafanaDashboards.files()) {
            JsonNode dashboard = GrafanaDashboards.read(file);
            Set<Integer> ids = new HashSet<>();
            for (JsonNode panel : GrafanaDashboards.panels(dashboard)) {
                assertThat(ids.add(panel.path("id").asInt())).as(file + " panel id " + panel.path("id")).isTrue();
                if (panel.path("type").asText().equals("row")) {
                    continue;
                }
                assertThat(panel.path("datasource").path("uid").asText()).as(file + " " + panel.path("title"))
                        .isEqualTo(uid.group(1));
                assertThat(panel.path("targets")).as(file + " " + panel.path("title") + " targets").isNotEmpty();
                panel.path("targets").forEach(t -> assertThat(t.path("expr").asText()).isNotBlank());
            }
            assertThat(dashboard.path("templating").path("list")).extracting(v -> v.path("name").asText())
                    .containsExactly("application_id", "instance");
        }
    }

    @Test
    void shouldShowEveryPanelAndItsQueriesInTheDocs() throws IOException {
        // Given the docs  When every panel of every dashboard is looked up  Then its title and exact queries are there
        String docs = Files.readString(DOCS);
        List<String> missing = new ArrayList<>();
        for (Path file : GrafanaDashboards.files()) {
            for (JsonNode panel : GrafanaDashboards.panels(GrafanaDashboards.read(file))) {
                if (!docs.contains(panel.path("title").asText())) {
                    missing.add("panel title: " + panel.path("title").asText());
                }
            }
        }
        List<GrafanaDashboards.Query> queries = new ArrayList<>(GrafanaDashboards.panelQueries());
        queries.addAll(GrafanaDashboards.annotationQueries());
        queries.addAll(GrafanaDashboards.variableQueries());
        queries.stream().filter(q -> !docs.contains(q.expr())).forEach(q -> missing.add(q.toString()));
        assertThat(missing).as("in dashboards but not in " + DOCS).isEmpty();
    }

    @Test
    void shouldDocumentEveryAlertWithARunbookAndEveryMetricTheyRead() throws IOException {
        // Given the alert rules and the dashboards
        String rules = Files.readString(ALERTS);
        String docs = Files.readString(DOCS);
        Matcher alert = Pattern.compile("(?m)^\\s*- alert:\\s*(\\w+)").matcher(rules);
        List<String> alerts = new ArrayList<>();
        while (alert.find()) {
            alerts.add(alert.group(1));
        }
        Set<String> metrics = new HashSet<>();
        Matcher expr = Pattern.compile("(?ms)expr:\\s*\\|?\\s*\\n?(.*?)\\n\\s*(for|labels):").matcher(rules);
        while (expr.find()) {
            metrics.addAll(PromQl.metricNames(expr.group(1)));
        }
        GrafanaDashboards.panelQueries().forEach(q -> metrics.addAll(PromQl.metricNames(q.expr())));

        // When the docs are read  Then each alert has a runbook section its annotation links to
        assertThat(alerts).hasSizeGreaterThanOrEqualTo(6);
        for (String name : alerts) {
            assertThat(docs).as("runbook of " + name).contains("### " + name + "\n");
            assertThat(rules).as("runbook link of " + name)
                    .contains("runbook: \"docs/observability.md#" + name.toLowerCase() + "\"");
        }
        // And each metric they read is in the docs' metric tables
        List<String> undocumented = metrics.stream()
                .map(m -> m.replaceAll("_(bucket|sum|count|max)$", ""))
                .filter(m -> !docs.contains("`" + m + "`") && !docs.contains("`" + m + "_") && !m.equals("up"))
                .sorted().toList();
        assertThat(undocumented).as("metrics read by dashboards or alerts but not documented").isEmpty();
    }
}
