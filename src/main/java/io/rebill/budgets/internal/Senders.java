package io.rebill.budgets.internal;

import io.rebill.budgets.Channel;
import org.springframework.mail.SimpleMailMessage;
import org.springframework.mail.javamail.JavaMailSender;
import tools.jackson.databind.json.JsonMapper;

import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Sends one notification to one channel, or throws with the reason. Email through the SMTP server invoices use;
 * Slack's incoming webhook takes {@code {"text": ..., "blocks": [...]}} (the text is the fallback of the blocks);
 * Microsoft Teams' incoming webhook takes a message with one Adaptive Card attachment
 * ({@code application/vnd.microsoft.card.adaptive}), as Microsoft documents for incoming webhooks.
 */
public final class Senders {
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final JavaMailSender mail;
    private final String from;
    private final WebhookPolicy policy;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();

    public Senders(JavaMailSender mail, String from, WebhookPolicy policy) {
        this.mail = mail;
        this.from = from;
        this.policy = policy;
    }

    /** Why a delivery failed, as the page shows it. */
    public static final class SendFailed extends Exception {
        public SendFailed(String reason, Throwable cause) {
            super(reason, cause);
        }
    }

    public void send(Channel channel, String subject, String body) throws SendFailed {
        switch (channel.kind()) {
            case EMAIL -> email(channel.target(), subject, body);
            case SLACK -> post(channel.target(), slack(subject, body));
            case TEAMS -> post(channel.target(), teams(subject, body));
        }
    }

    static String slack(String subject, String body) {
        return JSON.writeValueAsString(Map.of("text", subject + "\n" + body, "blocks", List.of(
                Map.of("type", "header", "text", Map.of("type", "plain_text", "text", subject)),
                Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", body)))));
    }

    static String teams(String subject, String body) {
        Map<String, Object> card = Map.of("$schema", "http://adaptivecards.io/schemas/adaptive-card.json",
                "type", "AdaptiveCard", "version", "1.4", "body", List.of(
                        Map.of("type", "TextBlock", "text", subject, "weight", "Bolder", "size", "Medium", "wrap", true),
                        Map.of("type", "TextBlock", "text", body, "wrap", true)));
        java.util.Map<String, Object> attachment = new java.util.LinkedHashMap<>();
        attachment.put("contentType", "application/vnd.microsoft.card.adaptive");
        attachment.put("contentUrl", null);
        attachment.put("content", card);
        return JSON.writeValueAsString(Map.of("type", "message", "attachments", List.of(attachment)));
    }

    private void email(String to, String subject, String body) throws SendFailed {
        SimpleMailMessage message = new SimpleMailMessage();
        message.setTo(to);
        message.setFrom(from);
        message.setSubject(subject);
        message.setText(body);
        try {
            mail.send(message);
        } catch (org.springframework.mail.MailException e) {
            throw new SendFailed("the mail server refused it: " + e.getMostSpecificCause().getMessage(), e);
        }
    }

    private void post(String target, String json) throws SendFailed {
        HttpRequest request;
        try {
            request = HttpRequest.newBuilder(policy.checkWebhook(target)).timeout(Duration.ofSeconds(20))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build();
        } catch (RuntimeException e) {
            throw new SendFailed(e.getMessage(), e);
        }
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                String text = response.body() == null ? "" : response.body().strip();
                throw new SendFailed("the webhook answered HTTP " + response.statusCode()
                        + (text.isEmpty() ? "" : ": " + (text.length() > 200 ? text.substring(0, 200) + "…" : text)),
                        null);
            }
        } catch (java.net.http.HttpTimeoutException e) {
            throw new SendFailed("the webhook did not answer within 20 seconds", e);
        } catch (java.net.ConnectException e) {
            throw new SendFailed("the webhook could not be reached: its server refused the connection", e);
        } catch (IOException e) {
            throw new SendFailed("the webhook could not be reached: " + (e.getMessage() == null
                    ? e.getClass().getSimpleName() : e.getMessage()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SendFailed("interrupted while sending", e);
        }
    }
}
