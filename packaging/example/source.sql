-- The example project's source database (packaging/example): a small shop. Built into
-- source.db by sqlite3 at build time (packaging/CPackConfig.cmake). Rollback journal, not WAL:
-- the file is installed read-only under /usr/share, and reading a WAL database creates files
-- next to it.
PRAGMA journal_mode = DELETE;
BEGIN;
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    email TEXT,
    version INTEGER NOT NULL
);
-- The cursor leads an index, so each pass reads only the rows past its checkpoint.
CREATE INDEX customers_version ON customers (version, id);
-- An application that forgets to move the cursor on update would leave changes behind; this
-- trigger moves it whenever a row changes without a new version.
CREATE TRIGGER customers_bump_version AFTER UPDATE ON customers
WHEN NEW.version = OLD.version
BEGIN
    UPDATE customers SET version = (SELECT MAX(version) + 1 FROM customers) WHERE id = NEW.id;
END;
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    total NUMERIC NOT NULL,
    status TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX orders_version ON orders (version, id);
CREATE TRIGGER orders_bump_version AFTER UPDATE ON orders
WHEN NEW.version = OLD.version
BEGIN
    UPDATE orders SET version = (SELECT MAX(version) + 1 FROM orders) WHERE id = NEW.id;
END;
INSERT INTO customers VALUES
    (1, 'Ada Lovelace', 'ada@example.org', 1),
    (2, 'Grace Hopper', 'grace@example.org', 2),
    (3, 'Kateřina Nováková', NULL, 3),
    (4, 'O''Brien & Sons', 'orders@example.com', 4);
INSERT INTO orders VALUES
    (1, 1, 19.90, 'paid', 1),
    (2, 1, 5.50, 'shipped', 2),
    (3, 2, 120.00, 'new', 3),
    (4, 3, 42.42, 'returned', 4),
    (5, 4, 7.00, 'paid', 5);
COMMIT;
