package io.rebill.web.billing;

import io.rebill.shared.cache.Lru;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.DefaultCsrfToken;
import org.springframework.stereotype.Component;
import org.springframework.validation.BindingResult;
import org.springframework.web.servlet.View;
import org.springframework.web.servlet.ViewResolver;
import org.springframework.web.servlet.support.RequestContextUtils;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.Charset;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Whole pages rendered once per model and kept as bytes, with the viewer's CSRF token put in on every request
 * (issue 11 item 8). Rendering the Billing page's frame (layout, menu, buttons, period list) through Thymeleaf and
 * writing its 111 KB as characters through the servlet's and Spring Security's response wrappers was most of a view's
 * CPU once its figures were kept (docs/benchmarks.md); a kept page costs a lookup and one write of bytes.
 *
 * <p>The key is the template, the locale and every model value itself (records, strings, booleans, compared by
 * value: the viewer's frame {@code nav} with its name, role and permissions, the period's kept view, the period list),
 * so a kept page is exactly what rendering that model gives and is served only to a request whose model equals it:
 * never another viewer's page, never older than its model. A model holding anything that is not such a value is
 * rendered every time, as are a request whose URLs would carry its session id and one with a flash message. The CSRF
 * token is never kept: the page is rendered with a random stand-in token (hex digits, which no HTML escaping changes)
 * and kept split around it; each request's own token (base64url, which none changes either) is written into the gaps.
 */
@Component
class KeptPages {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String URL_PROBE = "/kept-page-probe";
    private static final Set<Class<?>> SCALARS = Set.of(String.class, Boolean.class, Character.class, Byte.class,
            Short.class, Integer.class, Long.class, Float.class, Double.class, BigDecimal.class, BigInteger.class);
    private static final ClassValue<Boolean> VALUE_TYPES = new ClassValue<>() {
        @Override
        protected Boolean computeValue(Class<?> type) {
            return isValueType(type);
        }
    };

    private final ViewResolver views;
    private final Map<Key, Page> pages;

    @Autowired
    KeptPages(@Qualifier("thymeleafViewResolver") ViewResolver views) {
        this(views, 128);
    }

    KeptPages(ViewResolver views, int capacity) {
        this.views = views;
        this.pages = Lru.of(capacity);
    }

    private record Key(String template, Locale locale, Map<String, Object> model, String csrfHeader,
                       String csrfParameter) {
    }

    /** A rendered page in its response's charset, split where the CSRF token goes. */
    private record Page(String contentType, Charset charset, List<byte[]> parts) {
        void write(HttpServletResponse response, String token) throws IOException {
            response.setContentType(contentType);
            byte[] t = token.getBytes(charset);
            long length = (long) t.length * (parts.size() - 1);
            for (byte[] p : parts) {
                length += p.length;
            }
            response.setContentLengthLong(length);
            ServletOutputStream out = response.getOutputStream();
            for (int i = 0; i < parts.size(); i++) {
                if (i > 0) {
                    out.write(t);
                }
                out.write(parts.get(i));
            }
        }
    }

    /** The view that serves {@code template} kept per model (a controller returns it instead of the template's name). */
    View view(String template) {
        return (model, request, response) -> render(template, model, request, response);
    }

    private void render(String template, Map<String, ?> model, HttpServletRequest request,
                        HttpServletResponse response) throws Exception {
        Locale locale = RequestContextUtils.getLocale(request);
        View view = views.resolveViewName(template, locale);
        if (view == null) {
            throw new IllegalStateException("no view for template " + template);
        }
        CsrfToken token = (CsrfToken) request.getAttribute(CsrfToken.class.getName());
        Map<String, Object> values = values(model);
        // a flash message ("Billing October 2026 now.") is shown once: such a page is not worth a place in the cache
        Map<String, ?> flash = RequestContextUtils.getInputFlashMap(request);
        if (token == null || values == null || flash != null && !flash.isEmpty()
                || !response.encodeURL(URL_PROBE).equals(URL_PROBE)) {
            view.render(model, request, response);
            return;
        }
        Key key = new Key(template, locale, values, token.getHeaderName(), token.getParameterName());
        Page page = pages.get(key);
        if (page == null) {
            page = renderKept(view, model, token, request, response);
            pages.put(key, page);
        }
        page.write(response, token.getToken());
    }

    /** How many pages are kept (tests: that a real page's model is one that is kept at all). */
    int size() {
        return pages.size();
    }

    /** The model's values without Spring's binding results, or null when one of them is not a value. */
    private static Map<String, Object> values(Map<String, ?> model) {
        Map<String, Object> values = new LinkedHashMap<>();
        for (Map.Entry<String, ?> e : model.entrySet()) {
            if (e.getKey().startsWith(BindingResult.MODEL_KEY_PREFIX)) {
                continue;
            }
            if (e.getValue() != null && !VALUE_TYPES.get(e.getValue().getClass())) {
                return null;
            }
            values.put(e.getKey(), e.getValue());
        }
        return values;
    }

    /**
     * Strings, boxed primitives, big numbers, enums, and records whose components are such values, or lists, sets,
     * maps or optionals of them by their declared types (a {@code Set<String>} of permissions): what compares by
     * content. A collection itself is no value here (its elements are not checked per request), nor a mutable number.
     */
    static boolean isValueType(Class<?> type) {
        if (type.isPrimitive() || SCALARS.contains(type) || type.isEnum()) {
            return true;
        }
        if (!type.isRecord()) {
            return false;
        }
        for (RecordComponent component : type.getRecordComponents()) {
            Class<?> c = component.getType();
            if (c == type) {
                continue;
            }
            boolean container = c == List.class || c == Set.class || c == Map.class || c == Optional.class;
            if (container ? !valueArguments(component.getGenericType()) : !VALUE_TYPES.get(c)) {
                return false;
            }
        }
        return true;
    }

    private static boolean valueArguments(Type declared) {
        if (!(declared instanceof ParameterizedType p)) {
            return false;
        }
        for (Type argument : p.getActualTypeArguments()) {
            if (!(argument instanceof Class<?> a) || !VALUE_TYPES.get(a)) {
                return false;
            }
        }
        return true;
    }

    /** Renders the page with a stand-in CSRF token into memory and splits it where the token stands. */
    private static Page renderKept(View view, Map<String, ?> model, CsrfToken token, HttpServletRequest request,
                                   HttpServletResponse response) throws Exception {
        byte[] random = new byte[16];
        RANDOM.nextBytes(random);
        String standIn = HexFormat.of().formatHex(random);
        CsrfToken stand = new DefaultCsrfToken(token.getHeaderName(), token.getParameterName(), standIn);
        HttpServletRequest withStandIn = new HttpServletRequestWrapper(request) {
            @Override
            public Object getAttribute(String name) {
                return name.equals(CsrfToken.class.getName()) || name.equals(token.getParameterName())
                        ? stand : super.getAttribute(name);
            }
        };
        Capture capture = new Capture(response);
        view.render(model, withStandIn, capture);
        capture.writer.flush();
        String html = capture.text.toString();
        Charset charset = Charset.forName(response.getCharacterEncoding());
        List<byte[]> parts = new ArrayList<>();
        int from = 0;
        for (int at = html.indexOf(standIn); at >= 0; at = html.indexOf(standIn, from)) {
            parts.add(html.substring(from, at).getBytes(charset));
            from = at + standIn.length();
        }
        parts.add(html.substring(from).getBytes(charset));
        return new Page(response.getContentType(), charset, List.copyOf(parts));
    }

    /** The response as the view sees it: headers go through, the body is kept in memory. */
    private static final class Capture extends HttpServletResponseWrapper {
        final StringWriter text = new StringWriter(128 * 1024);
        final PrintWriter writer = new PrintWriter(text);

        Capture(HttpServletResponse response) {
            super(response);
        }

        @Override
        public PrintWriter getWriter() {
            return writer;
        }

        @Override
        public ServletOutputStream getOutputStream() {
            throw new IllegalStateException("a kept page is rendered through its writer");
        }

        @Override
        public void flushBuffer() {
            // nothing is written to the client until the page is complete
        }

        @Override
        public void setContentLength(int len) {
            // the kept page's own length is set when it is written
        }

        @Override
        public void setContentLengthLong(long len) {
            // as above
        }
    }
}
