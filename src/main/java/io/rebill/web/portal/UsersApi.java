package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.AuditLog;
import io.rebill.identity.Member;
import io.rebill.identity.Permission;
import io.rebill.identity.Role;
import io.rebill.identity.Users;
import io.rebill.shared.paging.PageRequest;
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

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Users of the account the caller acts in. In the MSP account only an Owner creates and changes users (seed: "Create
 * new users Management Account"); in a customer account its Owner, or the MSP's staff as Manager User.
 */
@RestController
@RequestMapping("/api/v1/users")
class UsersApi {
    private final Users users;
    private final AuditLog audit;

    UsersApi(Users users, AuditLog audit) {
        this.users = users;
        this.audit = audit;
    }

    record UserJson(UUID id, String email, String name, String role, boolean passwordSignIn, Instant since,
                    String createdBy) {
        static UserJson of(Member m) {
            return new UserJson(m.userId(), m.email(), m.displayName(), m.role().dbName(), m.hasPassword(), m.since(),
                    m.addedBy());
        }

        /** The role as the seed names it (Integration Owner), for pages; the API's field stays the code. */
        public String roleLabel() {
            return io.rebill.identity.Role.fromDb(role).label();
        }
    }

    record NewUser(String email, String name, String role, Optional<String> password) {
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
        Member created = users.addMember(actor.account().id(), actor.account().kind(), body.email(), body.name(),
                body.password() == null ? Optional.empty() : body.password(), role, actor.createdBy());
        audit.record(actor, "user.create", created.userId().toString(),
                Map.of("email", created.email(), "role", role.dbName()));
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

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(Actor actor, @PathVariable UUID id) {
        actor.require(managePermission(actor));
        Member member = users.requireMember(actor.account().id(), id);
        users.remove(actor.account().id(), id);
        audit.record(actor, "user.delete", id.toString(), Map.of("email", member.email()));
        return ResponseEntity.noContent().build();
    }
}
