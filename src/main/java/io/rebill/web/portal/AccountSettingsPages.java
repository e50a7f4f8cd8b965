package io.rebill.web.portal;

import io.rebill.identity.Actor;
import io.rebill.identity.Role;
import io.rebill.shared.errors.RebillException;
import io.rebill.tenancy.AccountKind;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;

/**
 * The settings of the account the user acts in: Users, Integrations (its own), Managed Integrations (a customer's
 * read-only view of the MSP's), API tokens and the audit log. Each action calls the API controller's method.
 */
@Controller
class AccountSettingsPages {
    private final UsersApi users;
    private final IntegrationsApi integrations;
    private final ApiTokensApi tokens;
    private final AuditLogsApi audit;

    private final IntegrationUploads uploads;

    AccountSettingsPages(UsersApi users, IntegrationsApi integrations, ApiTokensApi tokens, AuditLogsApi audit,
                         IntegrationUploads uploads) {
        this.uploads = uploads;
        this.users = users;
        this.integrations = integrations;
        this.tokens = tokens;
        this.audit = audit;
    }

    /** Providers as people name them (the codes are the API's). */
    static final java.util.Map<String, String> PROVIDERS = java.util.Map.of("aws", "AWS", "focus", "FOCUS export",
            "azure", "Azure", "gcp", "Google Cloud", "oci", "Oracle Cloud");

    /** Runs a change; the next page says it was done, or why it was not. */
    private static String attempt(RedirectAttributes redirect, Runnable change, String done, String target) {
        try {
            change.run();
            redirect.addFlashAttribute("message", done);
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return target;
    }

    @GetMapping("/settings/users")
    String users(Actor actor, Model model) {
        model.addAttribute("users", users.list(actor, 0, 200).items());
        model.addAttribute("canManage", actor.can(UsersApi.managePermission(actor)));
        model.addAttribute("roles", Arrays.stream(Role.values()).filter(r -> r.validIn(actor.account().kind()))
                .map(r -> java.util.Map.entry(r.dbName(), r.label())).toList());
        return "users";
    }

    @PostMapping("/settings/users")
    String addUser(Actor actor, @RequestParam String email, @RequestParam(defaultValue = "") String name,
                   @RequestParam String role, @RequestParam(defaultValue = "") String password,
                   @RequestParam(defaultValue = "invite") String how, RedirectAttributes redirect) {
        // a typed password means "set up now" whichever choice is ticked
        boolean invite = how.equals("invite") && password.isEmpty();
        try {
            var created = users.create(actor, new UsersApi.NewUser(email, name, role,
                    password.isEmpty() ? Optional.empty() : Optional.of(password), Optional.of(invite))).getBody();
            Optional<String> notSent = invite ? users.mailError(actor, created.id()) : Optional.empty();
            if (notSent.isPresent()) {
                redirect.addFlashAttribute("error", "Invited " + email + ", but the invitation email could not be"
                        + " sent: " + notSent.get() + ". Check the mail server settings (REBILL_SMTP_*), then use"
                        + " Send again.");
            } else {
                redirect.addFlashAttribute("message", invite ? "Invited " + email + ": the invitation link is on"
                        + " its way. They appear as Pending until they accept." : "Added " + email + ".");
            }
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/users";
    }

    @PostMapping("/settings/users/{id}/role")
    String changeRole(Actor actor, @PathVariable UUID id, @RequestParam String role, RedirectAttributes redirect) {
        return attempt(redirect, () -> users.update(actor, id, new UsersApi.UserChange(Optional.empty(), Optional.of(role))),
                "Role changed.", "redirect:/settings/users");
    }

    @PostMapping("/settings/users/{id}/invite-again")
    String inviteAgain(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        try {
            Optional<String> error = users.sendAgain(actor, id);
            if (error.isPresent()) {
                redirect.addFlashAttribute("error", "The invitation email could not be sent: " + error.get()
                        + ". Check the mail server settings (REBILL_SMTP_*), then send it again.");
            } else {
                redirect.addFlashAttribute("message", "Sent the invitation again; the earlier link no longer works.");
            }
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/users";
    }

    @PostMapping("/settings/users/{id}/delete")
    String removeUser(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        return attempt(redirect, () -> users.delete(actor, id), "Removed the user's access.", "redirect:/settings/users");
    }

    @GetMapping("/settings/integrations")
    String integrations(Actor actor, Model model) {
        var list = integrations.list(actor);
        model.addAttribute("integrations", list);
        model.addAttribute("cards", IntegrationCards.of(list));
        model.addAttribute("intervals", IntegrationCards.INTERVALS);
        model.addAttribute("exportKinds", java.util.Map.of("actual", "Actual cost (billed)", "amortized",
                "Amortized cost (effective)", "focus", "FOCUS (both)").entrySet().stream()
                .sorted(java.util.Map.Entry.comparingByKey()).toList());
        // messages name files by their name only; the folder root is the MSP's to see, never a customer's
        model.addAttribute("messages", list.stream().filter(i -> i.message().isPresent()).collect(
                java.util.stream.Collectors.toMap(i -> i.id().toString(), i -> io.rebill.web.ServerPaths.withoutFolders(i.message().get()))));
        model.addAttribute("providers", PROVIDERS);
        model.addAttribute("canManage", actor.can(IntegrationsApi.managePermission(actor)));
        model.addAttribute("folderRoot", actor.account().isMsp() && !actor.managerUser()
                ? integrations.folderOf(actor).toString() : null);
        return "integrations";
    }

    @PostMapping("/settings/integrations")
    String addIntegration(Actor actor, @RequestParam String provider, @RequestParam String name,
                          @RequestParam(defaultValue = "folder") String kind,
                          @RequestParam(defaultValue = "") String folder,
                          @RequestParam java.util.Map<String, String> form, RedirectAttributes redirect) {
        try {
            Optional<IntegrationsApi.S3Json> s3 = "s3".equals(kind) ? Optional.of(s3(form)) : Optional.empty();
            Optional<IntegrationsApi.AzureBlobJson> azure = "azure_blob".equals(kind) ? Optional.of(azureBlob(form))
                    : Optional.empty();
            integrations.create(actor, new IntegrationsApi.NewIntegration(provider, name, Optional.of(kind),
                    folder.isBlank() ? Optional.empty() : Optional.of(folder), s3, azure,
                    Optional.ofNullable(form.get("sync_minutes")).filter(m -> !m.isBlank()).map(Integer::valueOf)));
            redirect.addFlashAttribute("message", "Connected " + name + "."
                    + (s3.isPresent() || azure.isPresent()
                    ? " It syncs now and then on its schedule; Sync now reads it at once." : ""));
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/integrations";
    }

    private static IntegrationsApi.S3Json s3(java.util.Map<String, String> form) {
        java.util.function.Function<String, Optional<String>> f = k -> Optional.ofNullable(form.get(k))
                .filter(v -> !v.isBlank());
        return new IntegrationsApi.S3Json(form.getOrDefault("bucket", ""), f.apply("prefix"),
                form.getOrDefault("report_name", ""), f.apply("region"), f.apply("endpoint"), f.apply("access_key_id"),
                f.apply("secret_access_key"), f.apply("role_arn"), f.apply("external_id"));
    }

    /** The Azure Blob form: a connection string, or the account URL with an account key or a SAS token. */
    private static IntegrationsApi.AzureBlobJson azureBlob(java.util.Map<String, String> form) {
        java.util.function.Function<String, Optional<String>> f = k -> Optional.ofNullable(form.get(k))
                .filter(v -> !v.isBlank());
        String secret = form.getOrDefault("azure_secret", "");
        String auth = form.getOrDefault("azure_auth", "connection_string");
        Optional<String> given = Optional.of(secret).filter(v -> !v.isBlank());
        return new IntegrationsApi.AzureBlobJson(f.apply("account_url"), form.getOrDefault("container", ""),
                f.apply("prefix"), f.apply("export_kind"), auth.equals("connection_string") ? given : Optional.empty(),
                auth.equals("account_key") ? given : Optional.empty(), auth.equals("sas_token") ? given : Optional.empty());
    }

    /** A new secret access key for an S3 integration (the stored one is never shown, so it can only be replaced). */
    @PostMapping("/settings/integrations/{id}/secret")
    String replaceSecret(Actor actor, @PathVariable UUID id, @RequestParam("secret_access_key") String secret,
                         RedirectAttributes redirect) {
        return attempt(redirect, () -> {
            var current = integrations.get(actor, id).location().orElseThrow();
            integrations.change(actor, id, new IntegrationsApi.IntegrationChange(Optional.of(new IntegrationsApi.S3Json(
                    String.valueOf(current.get("bucket")), Optional.of(String.valueOf(current.get("prefix"))),
                    String.valueOf(current.get("report_name")), Optional.of(String.valueOf(current.get("region"))),
                    Optional.ofNullable((String) current.get("endpoint")),
                    Optional.ofNullable((String) current.get("access_key_id")), Optional.of(secret),
                    Optional.ofNullable((String) current.get("role_arn")),
                    Optional.ofNullable((String) current.get("external_id")))), Optional.empty()));
        }, "Replaced the secret access key.", "redirect:/settings/integrations");
    }

    /** A new secret for an Azure Blob integration, of the kind it signs in with (the stored one is never shown). */
    @PostMapping("/settings/integrations/{id}/azure-secret")
    String replaceAzureSecret(Actor actor, @PathVariable UUID id, @RequestParam("azure_secret") String secret,
                              RedirectAttributes redirect) {
        return attempt(redirect, () -> {
            var current = integrations.get(actor, id).location().orElseThrow();
            String auth = String.valueOf(current.get("auth"));
            Optional<String> given = Optional.of(secret);
            integrations.change(actor, id, new IntegrationsApi.IntegrationChange(Optional.empty(), Optional.of(
                    new IntegrationsApi.AzureBlobJson(Optional.empty(), String.valueOf(current.get("container")),
                            Optional.of(String.valueOf(current.get("prefix"))),
                            Optional.of(String.valueOf(current.get("export_kind"))),
                            auth.equals("connection_string") ? given : Optional.empty(),
                            auth.equals("account_key") ? given : Optional.empty(),
                            auth.equals("sas_token") ? given : Optional.empty())), Optional.empty()));
        }, "Replaced the secret.", "redirect:/settings/integrations");
    }

    @PostMapping("/settings/integrations/{id}/schedule")
    String schedule(Actor actor, @PathVariable UUID id, @RequestParam("sync_minutes") int minutes,
                    RedirectAttributes redirect) {
        return attempt(redirect, () -> integrations.change(actor, id, new IntegrationsApi.IntegrationChange(
                Optional.empty(), Optional.of(minutes))), "Changed how often it syncs.", "redirect:/settings/integrations");
    }

    @PostMapping(path = "/settings/integrations/{id}/upload", consumes = "multipart/form-data")
    String upload(Actor actor, @PathVariable UUID id, jakarta.servlet.http.HttpServletRequest request,
                  RedirectAttributes redirect) {
        try {
            jakarta.servlet.http.Part part = request.getPart("file");
            if (part == null || part.getSize() == 0) {
                throw new RebillException(io.rebill.shared.errors.ErrorCode.BAD_ARGUMENT, "choose a billing file to upload");
            }
            try (var in = part.getInputStream()) {
                var result = uploads.store(actor, id, part.getSubmittedFileName(), part.getSize(), in).getBody();
                redirect.addFlashAttribute("message", "Uploaded " + IntegrationUploads.fileName(
                        part.getSubmittedFileName()) + ": " + result.status() + ", billing periods "
                        + String.join(", ", result.periods()) + ".");
            }
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", io.rebill.web.ServerPaths.withoutFolders(e.getMessage()));
        } catch (IntegrationUploads.TooLarge | org.springframework.web.multipart.MaxUploadSizeExceededException e) {
            redirect.addFlashAttribute("error", IntegrationUploads.tooLargeDetail(uploads.limit()));
        } catch (java.io.IOException | jakarta.servlet.ServletException e) {
            if (e.getCause() instanceof IllegalStateException) {
                redirect.addFlashAttribute("error", IntegrationUploads.tooLargeDetail(uploads.limit()));
            } else {
                redirect.addFlashAttribute("error", "the upload did not arrive whole; try again");
            }
        }
        return "redirect:/settings/integrations";
    }

    @PostMapping("/settings/integrations/{id}/ingest")
    String ingest(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        try {
            var result = integrations.ingest(actor, id);
            redirect.addFlashAttribute("message", "Read the files of " + result.name() + ": " + result.status()
                    + (result.periods().isEmpty() ? ", no billing periods yet." : ", billing periods "
                    + String.join(", ", result.periods()) + "."));
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/integrations";
    }

    @PostMapping("/settings/integrations/{id}/delete")
    String deleteIntegration(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        return attempt(redirect, () -> integrations.delete(actor, id), "Removed the integration and its data.",
                "redirect:/settings/integrations");
    }

    @GetMapping("/settings/managed-integrations")
    String managedIntegrations(Actor actor, Model model) {
        model.addAttribute("managed", actor.account().kind() == AccountKind.CUSTOMER ? integrations.managed(actor)
                : java.util.List.of());
        return "managed-integrations";
    }

    @GetMapping("/settings/api-tokens")
    String tokens(Actor actor, Model model) {
        model.addAttribute("tokens", tokens.list(actor, 0, 200).items());
        return "api-tokens";
    }

    @PostMapping("/settings/api-tokens")
    String createToken(Actor actor, @RequestParam String name, @RequestParam String scope, Model model,
                       RedirectAttributes redirect) {
        try {
            var created = tokens.create(actor, new ApiTokensApi.NewToken(name, scope)).getBody();
            redirect.addFlashAttribute("newToken", created.token().orElseThrow());
            redirect.addFlashAttribute("message", "Created the token " + created.name()
                    + ". Copy it now: it is not shown again.");
        } catch (RebillException e) {
            redirect.addFlashAttribute("error", e.getMessage());
        }
        return "redirect:/settings/api-tokens";
    }

    @PostMapping("/settings/api-tokens/{id}/revoke")
    String revoke(Actor actor, @PathVariable UUID id, RedirectAttributes redirect) {
        tokens.revoke(actor, id);
        redirect.addFlashAttribute("message", "Revoked.");
        return "redirect:/settings/api-tokens";
    }

    /** The audit log as sentences, filtered by who, kind of action and dates (the API's filter). */
    @GetMapping("/settings/audit-log")
    String auditLog(Actor actor, @RequestParam(defaultValue = "0") int offset,
                    @RequestParam(defaultValue = "") String who, @RequestParam(defaultValue = "") String kind,
                    @RequestParam(defaultValue = "") String from, @RequestParam(defaultValue = "") String to,
                    Model model) {
        model.addAttribute("actors", audit.actors(actor));
        model.addAttribute("kinds", Arrays.stream(AuditKind.values()).map(k -> java.util.Map.entry(k.key(), k.label()))
                .toList());
        model.addAttribute("who", who);
        model.addAttribute("kind", kind);
        model.addAttribute("from", from);
        model.addAttribute("to", to);
        model.addAttribute("zone", audit.zone().getDisplayName(java.time.format.TextStyle.FULL, java.util.Locale.ENGLISH)
                + " (" + audit.zone().getId() + ")");
        try {
            model.addAttribute("entries", audit.list(actor, offset, 100, Optional.of(who), Optional.of(kind),
                    Optional.of(from), Optional.of(to)));
        } catch (RebillException e) {
            model.addAttribute("error", e.getMessage());
            model.addAttribute("entries", audit.list(actor, offset, 100, Optional.empty(), Optional.empty(),
                    Optional.empty(), Optional.empty()));
        }
        return "audit-log";
    }
}
