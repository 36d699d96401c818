-- The compose demo's "application upgrade", run on the clone. A change the old rows still fit; changes that
-- rename or split columns need translators (docs/TRANSLATORS.md).
CREATE INDEX customer_email ON shop.customer (email);
