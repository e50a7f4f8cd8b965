package io.rebill.web;

import org.springframework.core.env.Environment;
import org.springframework.mail.javamail.JavaMailSenderImpl;

import java.util.Properties;

/**
 * The one SMTP server Rebill sends through (invoices, invitations, budget alerts): the {@code REBILL_SMTP_*}
 * settings ({@code rebill.smtp.host}, {@code port}, {@code username}, {@code password}, {@code starttls}), with
 * timeouts so that a mail server that stops answering fails a send instead of holding a worker.
 */
public final class Smtp {
    private Smtp() {
    }

    public static JavaMailSenderImpl sender(Environment environment) {
        JavaMailSenderImpl sender = new JavaMailSenderImpl();
        sender.setHost(environment.getProperty("rebill.smtp.host", "localhost"));
        sender.setPort(environment.getProperty("rebill.smtp.port", Integer.class, 25));
        String user = environment.getProperty("rebill.smtp.username", "");
        if (!user.isBlank()) {
            sender.setUsername(user);
            sender.setPassword(environment.getProperty("rebill.smtp.password", ""));
        }
        Properties p = sender.getJavaMailProperties();
        p.put("mail.smtp.auth", String.valueOf(!user.isBlank()));
        p.put("mail.smtp.starttls.enable", environment.getProperty("rebill.smtp.starttls", "false"));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "30000");
        p.put("mail.smtp.writetimeout", "30000");
        return sender;
    }
}
