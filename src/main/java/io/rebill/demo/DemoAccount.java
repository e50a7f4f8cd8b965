package io.rebill.demo;

/** A generated linked account and the customer that owns it (also its {@code customer} tag value). */
public record DemoAccount(String accountId, String customer) {
}
