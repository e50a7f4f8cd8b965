package io.rebill.web;

import io.rebill.shared.config.RebillSettings;
import io.rebill.shared.secrets.SecretBox;
import io.rebill.shared.secrets.SecretKeys;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

import java.nio.file.Path;

/**
 * The key that seals stored secrets: {@code rebill.secret-key-file} (or {@code REBILL_SECRET_KEY_FILE}), else
 * {@code <data folder>/secret-keys}, created readable by the server's user only on the first start.
 */
@Configuration(proxyBeanMethods = false)
class SecretsConfiguration {

    @Bean
    SecretBox secretBox(RebillSettings settings, Environment environment) {
        String named = environment.getProperty("rebill.secret-key-file", "");
        Path file = named.isBlank() ? SecretKeys.fileFor(settings.home(), System.getenv()) : Path.of(named);
        return new SecretBox(SecretKeys.load(file));
    }
}
