-- The mysql8 profile's upgrade step (compose/mysql8-migration.yaml), on the clone of the MySQL 8 `shop8` schema.
CREATE INDEX customer_email ON shop8.customer (email);
