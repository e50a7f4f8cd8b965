package io.rebill.web.portal;

import io.rebill.billingconfig.BillingConfigProblem;
import io.rebill.billingconfig.InvalidBillingConfigException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A rejected billing configuration change as an RFC 9457 problem (400, code BAD_CONFIG) that also lists each
 * problem with its item, key and field ({@code problems}), so a form can mark the field; an imported file's problems
 * carry line and column.
 */
@RestControllerAdvice(assignableTypes = {BillingRulesApi.class, WorkflowsApi.class, AccountBillingApi.class,
        BillingConfigApi.class})
@Order(Ordered.HIGHEST_PRECEDENCE)
class BillingProblems {
    private static final Logger log = LoggerFactory.getLogger(BillingProblems.class);

    @ExceptionHandler(InvalidBillingConfigException.class)
    ResponseEntity<ProblemDetail> invalid(InvalidBillingConfigException e, HttpServletRequest request) {
        log.info("{} on {} {}: {}", e.code(), request.getMethod(), request.getRequestURI(), e.getMessage());
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setTitle(HttpStatus.BAD_REQUEST.getReasonPhrase());
        problem.setInstance(URI.create(request.getRequestURI()));
        problem.setProperty("code", e.code().name());
        problem.setProperty("problems", e.problems().stream().map(BillingProblems::json).toList());
        return ResponseEntity.badRequest().contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
    }

    private static Map<String, Object> json(BillingConfigProblem p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("item", p.item());
        p.key().ifPresent(k -> m.put("key", k));
        p.field().ifPresent(f -> m.put("field", f));
        p.line().ifPresent(l -> m.put("line", l));
        p.column().ifPresent(c -> m.put("column", c));
        m.put("message", p.message());
        return m;
    }
}
