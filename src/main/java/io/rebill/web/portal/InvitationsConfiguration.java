package io.rebill.web.portal;

import io.rebill.identity.InvitationMailer;
import io.rebill.identity.Invitations;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import org.springframework.mail.javamail.MimeMessageHelper;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.support.TransactionTemplate;

import java.time.Clock;

/**
 * Invitations and the SMTP server their links are mailed through: the same {@code rebill.smtp.*} settings
 * ({@code REBILL_SMTP_HOST}, ...) as invoices (web/billing/InvoicingConfiguration builds its sender the same way).
 */
@Configuration(proxyBeanMethods = false)
class InvitationsConfiguration {

    @Bean
    Invitations invitations(JdbcClient jdbc, TransactionTemplate tx, PasswordEncoder encoder) {
        return new Invitations(jdbc, tx, encoder, Clock.systemUTC());
    }

    @Bean
    InvitationMailer invitationMailer(Environment environment) {
        JavaMailSenderImpl sender = io.rebill.web.Smtp.sender(environment);
        return (to, from, subject, body) -> {
            try {
                var message = sender.createMimeMessage();
                MimeMessageHelper helper = new MimeMessageHelper(message, false, "UTF-8");
                helper.setTo(to);
                helper.setFrom(from);
                helper.setSubject(subject);
                helper.setText(body);
                sender.send(message);
            } catch (jakarta.mail.MessagingException e) {
                throw new org.springframework.mail.MailPreparationException(e.getMessage(), e);
            }
        };
    }
}
