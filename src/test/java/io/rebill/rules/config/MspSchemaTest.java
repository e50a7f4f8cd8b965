package io.rebill.rules.config;

import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/msp.schema.json (for editors and other tools) describes the file the parser reads: the example validates,
 * typical mistakes do not, and the schema names exactly the keys the parser knows.
 */
class MspSchemaTest {
    private static final Path SCHEMA = Path.of("docs/msp.schema.json");
    private static Schema schema;
    private static JsonNode json;

    @BeforeAll
    static void load() throws IOException {
        String text = Files.readString(SCHEMA);
        schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(text, InputFormat.JSON);
        json = JsonMapper.builder().build().readTree(text);
    }

    @Test
    void theExampleIsValid() throws IOException {
        List<Error> errors = schema.validate(Files.readString(MspConfigExampleTest.EXAMPLE), InputFormat.YAML);
        assertThat(errors).extracting(Error::toString).isEmpty();
    }

    @Test
    void anExportIsValid() {
        String exported = MspConfigFile.toYaml(MspConfigFile.parse(MspConfigExampleTest.EXAMPLE,
                new FakeExpressionChecker()));
        assertThat(schema.validate(exported, InputFormat.YAML)).extracting(Error::toString).isEmpty();
    }

    @Test
    void typicalMistakesAreInvalid() {
        String msp = "msp: {name: Example, currency: USD}\n";
        assertThat(invalid(msp + "customer: []\n")).isTrue();
        assertThat(invalid(msp + "rules: [{id: cf, title: CF, kind: adjustment, percent: 75}]\n"))
                .as("a key of another kind").isTrue();
        assertThat(invalid(msp + "rules: [{id: cf, title: CF, kind: adjustment, percentage: -1}]\n")).isTrue();
        assertThat(invalid(msp + "rules: [{id: x, title: X, kind: credit, amount: 5, frequency: one_time,"
                + " invoice: {service: S}}]\n")).as("one_time without start").isTrue();
        assertThat(invalid(msp + "rules: [{id: x, title: X, kind: charge, amount: 5, percent_of_subtotal: 2,"
                + " frequency: monthly, invoice: {service: S}}]\n")).as("amount and percent").isTrue();
        assertThat(invalid(msp + "assignments: [{customer: a, workflow: w, from: 2025-6}]\n")).isTrue();
        assertThat(invalid(msp + "rules: [{id: cf, title: CF, kind: adjustment, percentage: 75, percent: 1}]\n"))
                .as("an extra key of another kind").isTrue();
        assertThat(invalid(msp + "rules: [{id: cf, title: CF, kind: adjustment, percentage: 75.0}]\n"))
                .as("and a correct one is not").isFalse();
    }

    @Test
    void theSchemaNamesExactlyTheKeysTheParserKnows() {
        assertThat(keys(json.get("properties"))).containsExactlyElementsOf(Keys.TOP);
        JsonNode defs = json.get("$defs");
        assertThat(keys(defs.get("msp").get("properties"))).containsExactlyElementsOf(Keys.MSP);
        assertThat(keys(defs.get("customer").get("properties"))).containsExactlyElementsOf(Keys.CUSTOMER);
        assertThat(keys(defs.get("scope").get("properties"))).containsExactlyElementsOf(Keys.SCOPE);
        assertThat(keys(defs.get("invoice").get("properties"))).containsExactlyElementsOf(Keys.INVOICE);
        assertThat(keys(defs.get("workflow").get("properties"))).containsExactlyElementsOf(Keys.WORKFLOW);
        assertThat(keys(defs.get("assignment").get("properties"))).containsExactlyElementsOf(Keys.ASSIGNMENT);
        assertThat(keys(defs.get("exchange_rate").get("properties"))).containsExactlyElementsOf(Keys.EXCHANGE_RATE);

        JsonNode rule = defs.get("rule");
        assertThat(keys(rule.get("properties"))).containsExactlyElementsOf(Keys.RULE_COMMON);
        assertThat(texts(rule.get("properties").get("kind").get("enum"))).containsExactlyElementsOf(
                RuleKind.yamlNames());
        List<String> kindsInSchema = new ArrayList<>();
        for (JsonNode branch : rule.get("allOf")) {
            String kind = branch.get("if").get("properties").get("kind").get("const").asString();
            kindsInSchema.add(kind);
            assertThat(keys(branch.get("then").get("properties"))).as(kind)
                    .containsExactlyElementsOf(RuleKind.byYamlName(kind).orElseThrow().ownKeys);
        }
        assertThat(kindsInSchema).containsExactlyElementsOf(RuleKind.yamlNames());
        assertThat(texts(defs.get("scope").get("properties").get("charge_categories").get("items").get("enum")))
                .containsExactlyElementsOf(Keys.CHARGE_CATEGORIES);
    }

    private static boolean invalid(String yaml) {
        return !schema.validate(yaml, InputFormat.YAML).isEmpty();
    }

    private static List<String> keys(JsonNode object) {
        return List.copyOf(object.propertyNames());
    }

    private static List<String> texts(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asString).toList();
    }
}
