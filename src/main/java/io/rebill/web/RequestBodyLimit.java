package io.rebill.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.filter.OncePerRequestFilter;
import tools.jackson.databind.json.JsonMapper;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;

/**
 * API request bodies are at most {@value #MAX_BYTES} bytes (1 MiB; the largest the API takes is a few KiB). A larger
 * declared Content-Length is refused before anything is read; a body without one (chunked) is read up to the limit
 * and refused as soon as it passes it, so no request makes the server hold more than 1 MiB of it. The answer is 413
 * with a problem that names the limit. Runs before sign-in, so an anonymous flood costs no database work.
 */
@Configuration(proxyBeanMethods = false)
class RequestBodyLimit {
    static final int MAX_BYTES = 1024 * 1024;
    static final String DETAIL = "the request body is larger than the limit of 1 MiB (" + MAX_BYTES
            + " bytes); nothing was changed. Send less data per request";

    @Bean
    FilterRegistrationBean<LimitFilter> requestBodyLimitFilter(JsonMapper json) {
        FilterRegistrationBean<LimitFilter> registration = new FilterRegistrationBean<>(new LimitFilter(json, MAX_BYTES));
        registration.addUrlPatterns("/api/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE + 10);
        return registration;
    }

    static final class LimitFilter extends OncePerRequestFilter {
        private static final java.util.regex.Pattern UPLOADS =
                java.util.regex.Pattern.compile("/api/v1/integrations/[0-9a-fA-F-]{36}/uploads");
        private static final Logger log = LoggerFactory.getLogger(RequestBodyLimit.class);
        private final JsonMapper json;
        private final int max;

        LimitFilter(JsonMapper json, int max) {
            this.json = json;
            this.max = max;
        }

        @Override
        protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
                throws ServletException, IOException {
            if (UPLOADS.matcher(request.getRequestURI()).matches()) {
                // billing file uploads stream to disk under their own, operator-set limit (IntegrationUploads)
                chain.doFilter(request, response);
                return;
            }
            long declared = request.getContentLengthLong();
            if (declared > max) {
                refuse(request, response);
                return;
            }
            if (declared < 0 && request.getHeader("Transfer-Encoding") != null) {
                byte[] body = request.getInputStream().readNBytes(max + 1);
                if (body.length > max) {
                    refuse(request, response);
                    return;
                }
                chain.doFilter(new BufferedBody(request, body), response);
                return;
            }
            chain.doFilter(request, response);
        }

        private void refuse(HttpServletRequest request, HttpServletResponse response) throws IOException {
            log.info("BAD_REQUEST on {} {}: request body over {} bytes", request.getMethod(), request.getRequestURI(), max);
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.CONTENT_TOO_LARGE, DETAIL);
            problem.setTitle(HttpStatus.CONTENT_TOO_LARGE.getReasonPhrase());
            problem.setInstance(URI.create(request.getRequestURI()));
            problem.setProperty("code", "BAD_REQUEST");
            problem.setProperty("limit_bytes", max);
            response.setStatus(HttpStatus.CONTENT_TOO_LARGE.value());
            response.setContentType(MediaType.APPLICATION_PROBLEM_JSON_VALUE);
            // the rest of the body is not read; the connection is closed rather than drained
            response.setHeader("Connection", "close");
            json.writeValue(response.getOutputStream(), problem);
        }
    }

    /** A request whose body was read up to the limit; handlers read it from memory. */
    private static final class BufferedBody extends HttpServletRequestWrapper {
        private final byte[] body;

        BufferedBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() throws IOException {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new UnsupportedOperationException("the body is already in memory");
                }
            };
        }

        @Override
        public java.io.BufferedReader getReader() {
            String encoding = getCharacterEncoding() == null ? "UTF-8" : getCharacterEncoding();
            return new java.io.BufferedReader(new java.io.InputStreamReader(new ByteArrayInputStream(body),
                    java.nio.charset.Charset.forName(encoding)));
        }
    }
}
