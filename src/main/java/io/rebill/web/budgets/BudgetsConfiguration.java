package io.rebill.web.budgets;

import io.rebill.budgets.Alerts;
import io.rebill.budgets.Budgets;
import io.rebill.budgets.Notifications;
import io.rebill.costs.DailyCosts;
import io.rebill.identity.AuditLog;
import io.rebill.invoicing.BillRuns;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.Duration;

/**
 * The budgets feature as beans, and its one hook into bill runs: after each successful run, {@link Alerts} evaluates
 * the MSP's budgets and anomalies. Settings (docs/budgets.md): {@code rebill.notifications.allow-http-loopback},
 * {@code .poll-ms}, {@code .retry-base-ms}, {@code .max-attempts}; {@code rebill.anomalies.sigmas}, {@code .min-relative}, {@code .window-days},
 * {@code .min-change}, {@code .min-active-days}; mail goes through the invoices' SMTP server ({@code REBILL_SMTP_*}).
 */
@Configuration(proxyBeanMethods = false)
class BudgetsConfiguration {

    @Bean
    Budgets budgets(JdbcClient jdbc, DailyCosts costs, AuditLog audit, Alerts alerts) {
        return new Budgets(jdbc, costs, audit, Clock.systemUTC(), alerts);
    }

    @Bean(destroyMethod = "close")
    Notifications notifications(JdbcClient jdbc, AuditLog audit, Environment environment) {
        return new Notifications(jdbc, audit, io.rebill.web.Smtp.sender(environment), environment.getProperty("rebill.smtp.from",
                "alerts@" + environment.getProperty("rebill.admin.email", "admin@msp.example").replaceFirst(".*@", "")),
                new Notifications.Settings(
                        environment.getProperty("rebill.notifications.allow-http-loopback", Boolean.class, false),
                        Duration.ofMillis(environment.getProperty("rebill.notifications.poll-ms", Long.class, 5000L)),
                        Duration.ofMillis(environment.getProperty("rebill.notifications.retry-base-ms", Long.class,
                                60000L)),
                        environment.getProperty("rebill.notifications.max-attempts", Integer.class, 5)));
    }

    @Bean(destroyMethod = "close")
    Alerts alerts(JdbcClient jdbc, TransactionTemplate tx, Notifications notifications, BillRuns runs,
                  Environment environment, io.rebill.costs.FineCosts fine) {
        Alerts alerts = new Alerts(jdbc, tx, notifications, new Alerts.AnomalyMethod(
                new BigDecimal(environment.getProperty("rebill.anomalies.sigmas", "3.5")),
                new BigDecimal(environment.getProperty("rebill.anomalies.min-change", "20")),
                new BigDecimal(environment.getProperty("rebill.anomalies.min-relative", "1")),
                environment.getProperty("rebill.anomalies.min-active-days", Integer.class, 14),
                environment.getProperty("rebill.anomalies.window-days", Integer.class, 28)), Clock.systemUTC(), fine);
        runs.onFinished(run -> alerts.afterRun(run.msp(), run.period()));
        return alerts;
    }

    /** Runs that finished before the hook was registered (the start-up bootstrap's) are evaluated once now. */
    @org.springframework.context.event.EventListener
    void ready(org.springframework.boot.context.event.ApplicationReadyEvent event) {
        event.getApplicationContext().getBean(Alerts.class).catchUp();
    }
}
