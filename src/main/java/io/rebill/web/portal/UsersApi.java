package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.InvitationMailer;
import io.rebill.identity.Invitations;
import io.rebill.identity.Member;
import io.rebill.identity.Permission;
import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.shared.errors.ErrorCode;
import io.rebill.shared.errors.RebillException;
import io.rebill.shared.paging.PageRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Users of the account the caller acts in. In the MSP account only an Owner creates and changes users (seed: "Create
 * new users Management Account"); in a customer account its Owner, or the MSP's staff as Manager User. An invitation
 * ({@code "invite": true}, or an address that has a user elsewhere) is mailed a link to accept (docs/security.md
 * "Invitations").
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersApi {
    private static final Logger log = LoggerFactory.getLogger(UsersApi.class);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMM yyyy", Locale.ENGLISH)
            .withZone(ZoneOffset.UTC);

    private final Users users;
    private final AuditLog audit;
    private final Invitations invitations;
    private final InvitationMailer mailer;
    private final String from;

    UsersApi(Users users, AuditLog audit, Invitations invitations, InvitationMailer mailer, Environment environment) {
        this.users = users;
        this.audit = audit;
        this.invitations = invitations;
        this.mailer = mailer;
        this.from = environment.getProperty("rebill.smtp.from", "no-reply@"
                + environment.getProperty("rebill.admin.email", "admin@msp.example").replaceFirst(".*@", ""));
    }

    record UserJson(UUID id, String email, String name, String role, boolean passwordSignIn, Instant since,
                    String createdBy, String status) {
        static UserJson of(Member m) {
            return new UserJson(m.userId(), m.email(), m.displayName(), m.role().dbName(), m.hasPassword(), m.since(),
                    m.addedBy(), m.status().name().toLowerCase(Locale.ROOT));
        }

        /** Active, Pending, Expired, Accepted: for pages. */
        public String statusLabel() {
            return status.substring(0, 1).toUpperCase(Locale.ROOT) + status.substring(1);
        }

        public boolean openInvitation() {
            return status.equals("pending") || status.equals("expired");
        }

        /** The role as the seed names it (Integration Owner), for pages; the API's field stays the code. */
        public String roleLabel() {
            return io.rebill.identity.Role.fromDb(role).label();
        }
    }

    /** {@code invite}: mail the address a link to accept instead of creating the user with a password or SSO. */
    record NewUser(String email, String name, String role, Optional<String> password, Optional<Boolean> invite) {
        NewUser(String email, String name, String role, Optional<String> password) {
            this(email, name, role, password, Optional.empty());
        }

        boolean invitation() {
            return invite != null && invite.orElse(false);
        }
    }

    record UserChange(Optional<String> name, Optional<String> role) {
    }

    static Permission viewPermission(Actor actor) {
        return actor.account().isMsp() ? Permission.VIEW_MANAGEMENT_ACCOUNT : Permission.VIEW_ACCOUNT;
    }

    static Permission managePermission(Actor actor) {
        return actor.account().isMsp() ? Permission.MANAGE_MANAGEMENT_USERS : Permission.MANAGE_ACCOUNT_USERS;
    }

    @GetMapping
    PageJson<UserJson> list(Actor actor, @RequestParam(defaultValue = "0") int offset,
                            @RequestParam(defaultValue = "50") int limit) {
        actor.require(viewPermission(actor));
        return PageJson.of(users.members(actor.account().id(), new PageRequest(offset, limit)).map(UserJson::of),
                "/api/v1/users");
    }

    @GetMapping("/{id}")
    UserJson get(Actor actor, @PathVariable UUID id) {
        actor.require(viewPermission(actor));
        return UserJson.of(users.requireMember(actor.account().id(), id));
    }

    @PostMapping
    ResponseEntity<UserJson> create(Actor actor, @RequestBody NewUser body) {
        actor.require(managePermission(actor));
        ManagedAccountsApi.required(body.email(), "email");
        ManagedAccountsApi.required(body.role(), "role");
        Role role = Role.parse(body.role(), actor.account().kind());
        Optional<String> password = body.password() == null ? Optional.empty() : body.password();
        if (body.invitation() && password.isPresent()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, "password: an invited person chooses their own"
                    + " password when accepting; leave password out, or set invite to false");
        }
        Member created = body.invitation()
                ? users.invite(actor.account().id(), actor.account().kind(), body.email(), body.name(), role,
                        actor.createdBy())
                : users.addMember(actor.account().id(), actor.account().kind(), body.email(), body.name(), password,
                        role, actor.createdBy());
        audit.record(actor, "user.create", created.userId().toString(),
                Map.of("email", created.email(), "role", role.dbName()));
        if (invitations.find(actor.account().id(), created.userId()).isPresent()) {
            mail(actor, created.userId());
        }
        return ResponseEntity.status(HttpStatus.CREATED).header("Location", "/api/v1/users/" + created.userId())
                .body(UserJson.of(created));
    }

    @PatchMapping("/{id}")
    UserJson update(Actor actor, @PathVariable UUID id, @RequestBody UserChange body) {
        actor.require(managePermission(actor));
        Optional<Role> role = body.role() == null ? Optional.empty()
                : body.role().map(r -> Role.parse(r, actor.account().kind()));
        Member updated = users.update(actor.account().id(), actor.account().kind(), id,
                body.name() == null ? Optional.empty() : body.name(), role);
        audit.record(actor, "user.update", id.toString(), Map.of("email", updated.email(), "role", updated.role().dbName()));
        return UserJson.of(updated);
    }

    /**
     * Mails a new link of a Pending or Expired invitation (the previous link stops working), for the users page;
     * through the API an invitation is sent again by removing it and adding the address again.
     */
    Optional<String> sendAgain(Actor actor, UUID id) {
        actor.require(managePermission(actor));
        Member member = users.requireMember(actor.account().id(), id);
        if (!member.openInvitation()) {
            throw new RebillException(ErrorCode.BAD_ARGUMENT, member.email() + " is not an open invitation: only a"
                    + " Pending or Expired invitation is sent again");
        }
        Optional<String> error = mail(actor, id);
        audit.record(actor, "user.invite_again", id.toString(), Map.of("email", member.email()));
        return error;
    }

    /** Why the invitation's mail did not go out (for the page that just added it); empty when it went. */
    Optional<String> mailError(Actor actor, UUID id) {
        return invitations.sendError(actor.account().id(), id);
    }

    /** Issues a new link and mails it; a mail server's refusal is kept and returned, never thrown. */
    private Optional<String> mail(Actor actor, UUID invitationId) {
        Invitations.Issued issued = invitations.issue(actor.account().id(), invitationId);
        Invitations.Invitation invitation = issued.invitation();
        String link = ServletUriComponentsBuilder.fromCurrentContextPath().path("/invitations/{token}")
                .buildAndExpand(issued.token()).toUriString();
        String body = "Hello " + invitation.displayName() + ",\n\n" + invitation.createdBy() + " invited you to the"
                + " account " + issued.accountName() + " on Rebill, as " + invitation.role().label() + ".\n\n"
                + "Accept the invitation: " + link + "\n\nThe link works once, until "
                + DAY.format(invitation.expiresAt().orElseThrow()) + ". If you did not expect this email, ignore it:"
                + " an invitation gives no access until it is accepted.\n";
        try {
            mailer.send(invitation.email(), from, invitation.createdBy() + " invited you to " + issued.accountName()
                    + " on Rebill", body);
            invitations.sent(actor.account().id(), invitationId, Optional.empty());
            return Optional.empty();
        } catch (org.springframework.mail.MailException e) {
            String reason = e.getMostSpecificCause().getMessage();
            log.warn("Invitation {} of account {} not mailed: {}", invitationId, actor.account().id(), reason);
            invitations.sent(actor.account().id(), invitationId, Optional.ofNullable(reason).or(() -> Optional.of("?")));
            return Optional.ofNullable(reason);
        }
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        actor.require(managePermission(actor));
        Member member = users.requireMember(actor.account().id(), id);
        users.remove(actor.account().id(), id);
        audit.record(actor, "user.delete", id.toString(), Map.of("email", member.email()));
        return ResponseEntity.noContent().build();
    }
}
