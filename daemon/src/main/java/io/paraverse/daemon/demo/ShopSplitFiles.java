package io.paraverse.daemon.demo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The shop's incompatible v2 as files a migration refers to: {@code upgrade.sql} splits {@code shop.customer} into
 * {@code shop.client} + {@code shop.address}, and {@code split.yaml} is the mapping that translates production's
 * customer changes the same way. Shared by the demo and the end-to-end tests, which run the same upgrade.
 */
public final class ShopSplitFiles {
    private ShopSplitFiles() { }

    /** Writes upgrade.sql and split.yaml into {@code dir}. */
    public static void write(Path dir) throws IOException {
        Files.writeString(dir.resolve("upgrade.sql"), String.join("\n",
                "CREATE TABLE shop.client (client_id INT PRIMARY KEY, full_name VARCHAR(80) NOT NULL, email VARCHAR(120));",
                "CREATE TABLE shop.address (client_id INT PRIMARY KEY, city VARCHAR(60) NOT NULL);",
                "INSERT INTO shop.client SELECT id, name, email FROM shop.customer;",
                "INSERT INTO shop.address SELECT id, city FROM shop.customer WHERE city IS NOT NULL;",
                "DROP TABLE shop.customer;", ""));
        Files.writeString(dir.resolve("split.yaml"), String.join("\n",
                "tables:",
                "  - source: shop.customer",
                "    targets:",
                "      - table: shop.client",
                "        copy: none",
                "        columns: {client_id: id, full_name: name, email: email}",
                "      - table: shop.address",
                "        copy: none",
                "        columns: {client_id: id, city: {from: city, default: unknown}}",
                "        where: {column: city, is_not_null: true}", ""));
    }
}
