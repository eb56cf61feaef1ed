package dev.faucet.server.demo;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Made-up events of a small web shop, for the demo: customers (a table), orders and payment confirmations. Most are
 * good; a few are what real feeds bring: invalid orders (a negative amount, no items, an unknown currency), orders
 * of customers nobody knows, zero-amount vouchers, declined payments, and payment confirmations sent twice.
 * Deterministic for a seed. Not thread-safe.
 */
public final class ShopEvents {
    private static final String[] FIRST = {"Ada", "Grace", "Alan", "Katherine", "Edsger", "Barbara", "Donald",
        "Frances", "Dennis", "Margaret", "Ken", "Radia", "Tim", "Sophie", "Linus", "Hedy"};
    private static final String[] LAST = {"Lovelace", "Hopper", "Turing", "Johnson", "Dijkstra", "Liskov", "Knuth",
        "Allen", "Ritchie", "Hamilton", "Thompson", "Perlman", "Berners-Lee", "Wilson", "Torvalds", "Lamarr"};
    private static final String[] TIERS = {"gold", "silver", "standard", "standard", "standard"};
    private static final String[] COUNTRIES = {"US", "US", "US", "GB", "DE", "FR", "NL", "CA"};
    private static final double[] TAX = {0.08, 0.08, 0.08, 0.2, 0.19, 0.2, 0.21, 0.13};
    private static final String[] SKUS = {"book", "pen", "mug", "lamp", "chair", "desk", "cable", "bag"};
    private static final String[] CURRENCY = {"USD", "USD", "USD", "GBP", "EUR", "EUR", "EUR", "USD"};

    private final Random random;
    private final int customers;
    private long orders;
    private long payments;
    private final List<String> recentPayments = new ArrayList<>();

    public ShopEvents(long seed, int customers) {
        this.random = new Random(seed);
        this.customers = customers;
    }

    public static String customerId(int i) {
        return "c-" + (i + 1);
    }

    /** The customer table's row for customer {@code i}, as JSON. */
    public String customer(int i) {
        int c = i % COUNTRIES.length;
        return String.format(Locale.ROOT, "{\"name\":\"%s %s\",\"tier\":\"%s\",\"country\":\"%s\",\"taxRate\":%s}",
                FIRST[i % FIRST.length], LAST[(i / FIRST.length) % LAST.length], TIERS[(i * 7) % TIERS.length],
                COUNTRIES[c], TAX[c]);
    }

    /** The next order, as a JSON object. */
    public String order() {
        long n = ++orders;
        int customer = random.nextInt(customers);
        String customerId = customerId(customer);
        int roll = random.nextInt(100);
        if (roll < 2) {
            customerId = "c-" + (customers + 1 + random.nextInt(1000)); // nobody knows them: a dead letter
        }
        int items = 1 + random.nextInt(3);
        StringBuilder list = new StringBuilder("[");
        double amount = 0;
        for (int i = 0; i < items; i++) {
            int qty = 1 + random.nextInt(4);
            double price = 2 + random.nextInt(9800) / 100.0;
            amount += qty * price;
            list.append(i == 0 ? "" : ",").append("{\"sku\":\"").append(SKUS[random.nextInt(SKUS.length)])
                    .append("\",\"qty\":").append(qty).append('}');
        }
        list.append(']');
        String currency = CURRENCY[customer % CURRENCY.length];
        String amountText = String.format(Locale.ROOT, "%.2f", amount);
        if (roll >= 2 && roll < 5) {
            amountText = "0"; // a voucher: filtered
        } else if (roll == 5) {
            amountText = "-" + amountText; // invalid: a dead letter
        } else if (roll == 6) {
            currency = "BTC"; // invalid
        }
        return String.format(Locale.ROOT, "{\"orderId\":\"o-%d\",\"customerId\":\"%s\",\"amount\":%s,"
                + "\"currency\":\"%s\",\"items\":%s,\"placedAt\":\"%s\"}", n, customerId, amountText, currency, list,
                Instant.now());
    }

    /** The next payment confirmation; about 3 in 100 are a confirmation sent again. */
    public String payment() {
        if (!recentPayments.isEmpty() && random.nextInt(100) < 3) {
            return recentPayments.get(random.nextInt(recentPayments.size()));
        }
        long n = ++payments;
        String status = random.nextInt(100) < 92 ? "captured" : "declined";
        String p = String.format(Locale.ROOT, "{\"paymentId\":\"p-%d\",\"customerId\":\"%s\",\"amount\":%.2f,"
                + "\"status\":\"%s\",\"paidAt\":\"%s\"}", n, customerId(random.nextInt(customers)),
                5 + random.nextInt(50000) / 100.0, status, Instant.now());
        recentPayments.add(p);
        if (recentPayments.size() > 50) {
            recentPayments.remove(0);
        }
        return p;
    }
}
