package io.rebill.web;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.servlet.ModelAndView;

import java.net.URI;

/**
 * The one place a {@link RebillException} becomes an HTTP answer: an RFC 9457 problem (application/problem+json)
 * with the stable error code in {@code code}. The same problem is rendered as the {@code problem} page for
 * browser routes, so a page and the API never disagree about a status.
 */
@RestControllerAdvice
class RebillProblems {
    static final String API_PREFIX = "/api/";
    private static final Logger log = LoggerFactory.getLogger(RebillProblems.class);

    /** Returns a problem+json entity for API paths and a {@link ModelAndView} for pages (see class comment). */
    @ExceptionHandler(RebillException.class)
    Object handle(RebillException e, HttpServletRequest request) {
        ProblemDetail problem = problemFor(e, request);
        if (request.getRequestURI().startsWith(request.getContextPath() + API_PREFIX)) {
            return ResponseEntity.status(problem.getStatus())
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .body(problem);
        }
        ModelAndView page = new ModelAndView("problem");
        page.setStatus(HttpStatus.valueOf(problem.getStatus()));
        page.addObject("problem", problem);
        page.addObject("code", e.code().name());
        return page;
    }

    /**
     * A session (or token) whose user was deleted meanwhile: no longer signed in. The session ends, the API answers
     * 401 like any unauthenticated request, a page goes to the sign-in page.
     */
    @ExceptionHandler(SignedOutException.class)
    Object signedOut(SignedOutException e, HttpServletRequest request) {
        jakarta.servlet.http.HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
        org.springframework.security.core.context.SecurityContextHolder.clearContext();
        log.info("401 on {} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
        if (!request.getRequestURI().startsWith(request.getContextPath() + API_PREFIX)) {
            return new ModelAndView("redirect:/login");
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, e.getMessage());
        problem.setTitle(HttpStatus.UNAUTHORIZED.getReasonPhrase());
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", "UNAUTHENTICATED");
        return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    /** Malformed or mistyped JSON, an unknown field: the message names the field and what was expected. */
    @ExceptionHandler(org.springframework.http.converter.HttpMessageNotReadableException.class)
    Object unreadable(org.springframework.http.converter.HttpMessageNotReadableException e, HttpServletRequest request) {
        return handle(new RebillException(ErrorCode.BAD_REQUEST, JsonErrors.describe(e)), request);
    }

    /** A path or query value of the wrong type, e.g. an id that is not a UUID. */
    @ExceptionHandler(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException.class)
    Object mismatch(org.springframework.web.method.annotation.MethodArgumentTypeMismatchException e,
                    HttpServletRequest request) {
        String expected = e.getRequiredType() == null ? "another type" : e.getRequiredType().getSimpleName();
        return handle(new RebillException(ErrorCode.BAD_ARGUMENT, e.getName() + " '" + e.getValue() + "' is not a "
                + ("UUID".equals(expected) ? "valid id" : expected)), request);
    }

    /** Two requests racing to create the same email or id: the database's unique index decides, the caller gets 409. */
    @ExceptionHandler(org.springframework.dao.DuplicateKeyException.class)
    Object duplicate(org.springframework.dao.DuplicateKeyException e, HttpServletRequest request) {
        return handle(new RebillException(ErrorCode.DUPLICATE, "that value already exists (" + JsonErrors.constraint(e)
                + "); nothing was changed"), request);
    }

    /**
     * What Spring MVC itself refuses on an API path (a method the route does not take, a body that is not JSON, an
     * unknown route, a missing parameter) is a problem with a code too; pages keep Spring's own handling.
     */
    @ExceptionHandler({org.springframework.web.HttpRequestMethodNotSupportedException.class,
            org.springframework.web.HttpMediaTypeNotSupportedException.class,
            org.springframework.web.HttpMediaTypeNotAcceptableException.class,
            org.springframework.web.servlet.resource.NoResourceFoundException.class,
            org.springframework.web.bind.MissingServletRequestParameterException.class})
    ResponseEntity<ProblemDetail> refusedByMvc(Exception e, HttpServletRequest request) throws Exception {
        if (!request.getRequestURI().startsWith(request.getContextPath() + API_PREFIX)
                || !(e instanceof org.springframework.web.ErrorResponse error)) {
            throw e;
        }
        ProblemDetail problem = error.getBody();
        boolean noRoute = e instanceof org.springframework.web.servlet.resource.NoResourceFoundException;
        if (noRoute) {
            problem.setDetail("there is no API operation " + request.getMethod() + " " + request.getRequestURI()
                    + "; the operations are listed at /api/docs");
        }
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", (noRoute ? ErrorCode.UNKNOWN_ID : ErrorCode.BAD_REQUEST).name());
        log.info("{} on {} {}: {}", problem.getStatus(), request.getMethod(), request.getRequestURI(), problem.getDetail());
        return ResponseEntity.status(problem.getStatus()).headers(error.getHeaders())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    static ProblemDetail problemFor(RebillException e, HttpServletRequest request) {
        HttpStatus status = statusOf(e.code());
        String detail = e.getMessage();
        if (e.code().category() == ErrorCode.Category.INTERNAL) {
            log.error("{} on {} {}", e.code(), request.getMethod(), request.getRequestURI(), e);
            // Internal messages may name server paths; the log has them, the caller gets a pointer to it.
            detail = "an internal error occurred (" + e.code() + "); the server log has the details";
        } else {
            log.info("{} on {} {}: {}", e.code(), request.getMethod(), request.getRequestURI(), e.getMessage());
            // an input error names the file by its name; where the server keeps it is for the log (issue 14 item 9)
            detail = ServerPaths.withoutFolders(detail);
        }
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
        problem.setTitle(status.getReasonPhrase());
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", e.code().name());
        return problem;
    }

    static HttpStatus statusOf(ErrorCode code) {
        return switch (code.category()) {
            case INPUT -> HttpStatus.BAD_REQUEST;
            case NOT_FOUND -> HttpStatus.NOT_FOUND;
            case INTEGRITY, CONFLICT -> HttpStatus.CONFLICT;
            case FORBIDDEN -> HttpStatus.FORBIDDEN;
            case INTERNAL -> HttpStatus.INTERNAL_SERVER_ERROR;
        };
    }
}
