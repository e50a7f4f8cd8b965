package io.rebill.cli;

import io.rebill.costs.CostDimension;
import io.rebill.costs.CostQuery;
import io.rebill.costs.CostReport;
import io.rebill.costs.CostRequest;
import io.rebill.costs.CostRow;
import io.rebill.ingestion.CostBasis;
import io.rebill.ingestion.Ingestion;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.time.BillingPeriod;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "costs", description = "Costs of a billing period grouped by columns or tags, as a table, CSV or JSON.")
final class CostsCommand implements Callable<Integer> {
    @ParentCommand
    RebillCommand parent;

    @Option(names = "--source", required = true, split = ",", description = "One or more sources, comma-separated.")
    List<String> sources;

    @Option(names = "--period", required = true, description = "YYYY-MM")
    String period;

    @Option(names = "--group-by", split = ",", description = "e.g. sub_account_id,x_charge_type or tag:team")
    List<String> groupBy = new ArrayList<>();

    @Option(names = "--basis", defaultValue = "effective", description = "billed | effective | list (default effective)")
    String basis;

    @Option(names = "--format", defaultValue = "table", description = "table | csv | json")
    String format;

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CostBasis b = parseBasis(basis);
        CostRequest request = new CostRequest(sources, BillingPeriod.parse(period),
                groupBy.stream().map(CostDimension::parse).toList(), b);
        CostReport report = new CostQuery(new Ingestion(parent.settings())).run(request);
        PrintWriter out = spec.commandLine().getOut();
        switch (format.toLowerCase(Locale.ROOT)) {
            case "table" -> out.print(table(report, currency(request)));
            case "csv" -> out.print(csv(report));
            case "json" -> out.println(json(report));
            default -> throw new RebillException(ErrorCode.BAD_ARGUMENT, "--format '" + format
                    + "' is not one of table, csv, json");
        }
        out.flush();
        return ExitCodes.OK;
    }

    static CostBasis parseBasis(String text) {
        try {
            return CostBasis.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "--basis '" + text + "' is not one of "
                    + Arrays.stream(CostBasis.values()).map(CostBasis::label).toList());
        }
    }

    /** Exact cells, for CSV. */
    private static List<String> cells(CostRow r) {
        List<String> cells = new ArrayList<>(r.keys());
        cells.add(r.cost().toPlainString());
        cells.add(String.valueOf(r.lineCount()));
        return cells;
    }

    /** Cells for a person: the cost rounded to cents with separators, the count with separators. */
    private static List<String> displayCells(CostRow r) {
        List<String> cells = new ArrayList<>(r.keys());
        cells.add(Money.two(r.cost()));
        cells.add(Money.count(r.lineCount()));
        return cells;
    }

    /**
     * The one billing currency of the request's lines, for the table's header; empty when there are none or several
     * (then the amounts are shown without one rather than with a wrong one).
     */
    private Optional<String> currency(CostRequest request) {
        CostReport currencies = new CostQuery(new Ingestion(parent.settings())).run(new CostRequest(request.sources(),
                request.period(), List.of(CostDimension.parse("billing_currency")), request.basis()));
        List<String> found = currencies.rows().stream().map(r -> r.keys().get(0)).filter(c -> c != null && !c.isBlank())
                .distinct().toList();
        return found.size() == 1 ? Optional.of(found.get(0)) : Optional.empty();
    }

    /** For a person: amounts rounded to cents with separators, the currency in the cost column's header. */
    static String table(CostReport report, Optional<String> currency) {
        List<String> header = new ArrayList<>(report.header());
        int cost = header.size() - 2;
        header.set(cost, header.get(cost) + currency.map(c -> " (" + c + ")").orElse(""));
        Table t = new Table(header);
        report.rows().forEach(r -> t.row(displayCells(r)));
        List<String> total = new ArrayList<>();
        for (int i = 0; i < report.request().groupBy().size(); i++) {
            total.add(i == 0 ? "TOTAL" : "");
        }
        if (total.isEmpty()) {
            return t.render();
        }
        total.add(Money.two(report.total()));
        total.add(Money.count(report.rows().stream().mapToLong(CostRow::lineCount).sum()));
        t.row(total);
        return t.render();
    }

    static String csv(CostReport report) {
        StringBuilder sb = new StringBuilder(String.join(",", report.header())).append('\n');
        for (CostRow r : report.rows()) {
            sb.append(String.join(",", cells(r).stream().map(CostsCommand::csvCell).toList())).append('\n');
        }
        return sb.toString();
    }

    private static String csvCell(String v) {
        if (v == null) {
            return "";
        }
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? '"' + v.replace("\"", "\"\"") + '"' : v;
    }

    static String json(CostReport report) {
        JsonMapper mapper = JsonMapper.builder().build();
        ObjectNode root = mapper.createObjectNode();
        root.put("period", report.request().period().toString());
        root.put("basis", report.request().basis().label());
        root.put("total", report.total());
        ArrayNode rows = root.putArray("rows");
        for (CostRow r : report.rows()) {
            ObjectNode row = rows.addObject();
            for (int i = 0; i < r.keys().size(); i++) {
                row.put(report.request().groupBy().get(i).label(), r.keys().get(i));
            }
            row.put("cost", r.cost());
            row.put("line_count", r.lineCount());
        }
        return mapper.writerWithDefaultPrettyPrinter().writeValueAsString(root);
    }
}
