package io.rebill.demo;

/**
 * A generated linked account and the customer that owns it.
 *
 * @param customer     the customer's id: its {@code customer} tag value, its id in the demo msp.yaml and its
 *                     account key in the portal (e.g. {@code northwind-logistics})
 * @param customerName the customer's company name (e.g. {@code Northwind Logistics})
 */
public record DemoAccount(String accountId, String customer, String customerName) {
}
