package io.rebill.web.billing;

import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.validation.BindingResult;
import org.springframework.web.servlet.View;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A kept page is served only for a model equal to the one it was rendered from, and every response carries its own
 * request's CSRF token, never the one of the request that rendered it (KeptPages). The "template" here is a fake view
 * that writes the viewer's name, a button only a manager gets and the token twice, as the Billing page's frame does.
 */
class KeptPagesTest {
    record Viewer(String name, String role, Set<String> permissions) {
    }

    private final List<Map<String, ?>> rendered = new ArrayList<>();
    private final View template = (model, request, response) -> {
        rendered.add(model);
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        Viewer viewer = (Viewer) model.get("nav");
        response.setContentType("text/html;charset=UTF-8");
        response.getWriter().write("<meta name=\"csrf-token\" content=\"" + token.getToken() + "\"><p>"
                + viewer.name() + " · " + viewer.role() + "</p>"
                + (viewer.permissions().contains("MANAGE_MANAGED_ACCOUNTS")
                ? "<form><input name=\"_csrf\" value=\"" + token.getToken() + "\"><button id=\"run-bill\">Run bill</button></form>"
                : "")
                + "<main>" + model.get("period") + "</main>");
    };
    private final KeptPages kept = new KeptPages((name, locale) -> name.equals("billing") ? template : null, 16);

    @Test
    void theSameModelIsRenderedOnceAndEachResponseCarriesItsOwnToken() throws Exception {
        Viewer ana = new Viewer("Ana Lee", "Owner", Set.of("VIEW_MANAGED_ACCOUNTS", "MANAGE_MANAGED_ACCOUNTS"));
        String first = serve(model(ana, "2026-10"), "token-of-request-one");
        assertThat(first.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize((int) lastLength);
        String second = serve(model(ana, "2026-10"), "token-of-request-two");

        assertThat(rendered).hasSize(1);
        assertThat(second.getBytes(java.nio.charset.StandardCharsets.UTF_8)).hasSize((int) lastLength);
        String expected = "<meta name=\"csrf-token\" content=\"%s\"><p>Ana Lee · Owner</p><form><input name=\"_csrf\" "
                + "value=\"%s\"><button id=\"run-bill\">Run bill</button></form><main>2026-10</main>";
        assertThat(first).isEqualTo(expected.formatted("token-of-request-one", "token-of-request-one"));
        assertThat(second).isEqualTo(expected.formatted("token-of-request-two", "token-of-request-two"));
    }

    @Test
    void viewersWithOtherPermissionsOrAnotherPeriodGetTheirOwnPage() throws Exception {
        Viewer manager = new Viewer("Ana Lee", "Owner", Set.of("VIEW_MANAGED_ACCOUNTS", "MANAGE_MANAGED_ACCOUNTS"));
        Viewer reader = new Viewer("Bo Reed", "Reader", Set.of("VIEW_MANAGED_ACCOUNTS"));
        assertThat(serve(model(manager, "2026-10"), "t1")).contains("Ana Lee", "Run bill");
        String readers = serve(model(reader, "2026-10"), "t2");
        assertThat(readers).contains("Bo Reed", "2026-10").doesNotContain("Ana Lee", "Run bill");
        // the same name with fewer permissions (a role changed mid-session) is another page too
        Viewer demoted = new Viewer("Ana Lee", "Owner", Set.of("VIEW_MANAGED_ACCOUNTS"));
        assertThat(serve(model(demoted, "2026-10"), "t3")).contains("Ana Lee").doesNotContain("Run bill");
        assertThat(serve(model(manager, "2026-09"), "t4")).contains("<main>2026-09</main>", "Run bill");
        assertThat(serve(model(manager, "2026-10"), "t5")).contains("<main>2026-10</main>", "t5")
                .doesNotContain("t1");
        assertThat(rendered).hasSize(4);
    }

    @Test
    void aModelWithSomethingThatIsNotAValueIsRenderedEveryTime() throws Exception {
        Viewer ana = new Viewer("Ana Lee", "Owner", Set.of("VIEW_MANAGED_ACCOUNTS"));
        Map<String, Object> model = model(ana, "2026-10");
        model.put("mutable", new StringBuilder("changes"));
        serve(model, "t1");
        serve(model, "t2");
        assertThat(rendered).hasSize(2);
    }

    @Test
    void aPageWithAFlashMessageIsNotKept() throws Exception {
        Viewer ana = new Viewer("Ana Lee", "Owner", Set.of("VIEW_MANAGED_ACCOUNTS"));
        flash = Map.of("message", "Billing October 2026 now.");
        serve(model(ana, "2026-10"), "t1");
        flash = null;
        serve(model(ana, "2026-10"), "t2");
        serve(model(ana, "2026-10"), "t3");
        assertThat(rendered).hasSize(2);
    }

    @Test
    void bindingResultsAreNotPartOfTheKey() throws Exception {
        Viewer ana = new Viewer("Ana Lee", "Owner", Set.of("VIEW_MANAGED_ACCOUNTS"));
        Map<String, Object> model = model(ana, "2026-10");
        model.put(BindingResult.MODEL_KEY_PREFIX + "nav", new Object());
        serve(model, "t1");
        model.put(BindingResult.MODEL_KEY_PREFIX + "nav", new Object());
        assertThat(serve(model, "t2")).contains("t2");
        assertThat(rendered).hasSize(1);
    }

    @Test
    void valuesAreStringsNumbersEnumsAndRecordsOfThem() {
        assertThat(KeptPages.isValueType(Viewer.class)).isTrue();
        assertThat(KeptPages.isValueType(BillingViews.PeriodView.class)).isTrue();
        assertThat(KeptPages.isValueType(String.class)).isTrue();
        assertThat(KeptPages.isValueType(java.math.BigDecimal.class)).isTrue();
        record Holder(StringBuilder text) {
        }
        record Items(List<Object> items) {
        }
        record Counted(java.util.concurrent.atomic.AtomicInteger count) {
        }
        assertThat(KeptPages.isValueType(Holder.class)).isFalse();
        assertThat(KeptPages.isValueType(Counted.class)).isFalse();
        assertThat(KeptPages.isValueType(java.util.ArrayList.class)).as("a list's elements are not checked").isFalse();
        assertThat(KeptPages.isValueType(Items.class)).isFalse();
        assertThat(KeptPages.isValueType(Object.class)).isFalse();
    }

    private static Map<String, Object> model(Viewer viewer, String period) {
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("nav", viewer);
        model.put("period", period);
        model.put("canManage", viewer.permissions().contains("MANAGE_MANAGED_ACCOUNTS"));
        return model;
    }

    private long lastLength;
    private Map<String, ?> flash;

    private String serve(Map<String, ?> model, String token) throws Exception {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", "/billing/2026-10");
        CsrfToken csrf = new DefaultCsrfToken("X-CSRF-TOKEN", "_csrf", token);
        request.setAttribute(CsrfToken.class.getName(), csrf);
        request.setAttribute("_csrf", csrf);
        if (flash != null) {
            org.springframework.web.servlet.FlashMap input = new org.springframework.web.servlet.FlashMap();
            input.putAll(flash);
            request.setAttribute(org.springframework.web.servlet.DispatcherServlet.INPUT_FLASH_MAP_ATTRIBUTE, input);
        }
        MockHttpServletResponse response = new MockHttpServletResponse();
        kept.view("billing").render(model, request, response);
        assertThat(response.getContentType()).isEqualTo("text/html;charset=UTF-8");
        lastLength = response.getContentLengthLong();
        String body = response.getContentAsString(java.nio.charset.StandardCharsets.UTF_8);
        if (response.containsHeader("Content-Length")) { // a kept page's own length; a page rendered afresh has none
            assertThat(response.getContentLengthLong()).isEqualTo(response.getContentAsByteArray().length);
        }
        return body;
    }
}
