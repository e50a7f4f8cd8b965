package io.rebill.web;

import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import org.junit.jupiter.api.Test;
import org.springframework.http.ProblemDetail;
import org.springframework.mock.web.MockHttpServletRequest;

import static org.assertj.core.api.Assertions.assertThat;

/** What a caller reads in a problem: the file by its name, never the folders where the server keeps it. */
class RebillProblemsTest {
    private final MockHttpServletRequest request = new MockHttpServletRequest("POST", "/api/v1/sources/payer-1/ingest");

    @Test
    void anInputErrorNamesTheFileWithoutTheServersFolders() {
        ProblemDetail problem = RebillProblems.problemFor(new RebillException(ErrorCode.BAD_VALUE,
                "/srv/rebill/imports/8f1c/cur/cur-00001.csv: line 4: column lineItem/UnblendedCost: 'twelve' is not"
                        + " a number"), request);
        assertThat(problem.getStatus()).isEqualTo(400);
        assertThat(problem.getDetail()).isEqualTo("cur-00001.csv: line 4: column lineItem/UnblendedCost: 'twelve'"
                + " is not a number");
    }

    @Test
    void theApisOwnRoutesInAMessageStay() {
        String detail = "no SSO is set up; PUT /api/v1/sso with email_domain, issuer, client_id and client_secret"
                + " (or POST /api/v1/managed_accounts/<id>/enter first)";
        assertThat(RebillProblems.problemFor(new RebillException(ErrorCode.BAD_REQUEST, detail), request).getDetail())
                .isEqualTo(detail);
    }
}
