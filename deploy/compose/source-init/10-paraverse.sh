# shellcheck shell=bash
# Sourced (not executed) by the mariadb image's entrypoint on the first start, as the `mysql` user:
# docker_process_sql is the entrypoint's function (root over the socket). The password comes from the secret
# file and never appears in the compose file or the environment.
pw=$(cat /run/secrets/source-password)
pw=${pw//\\/\\\\}
pw=${pw//\'/\\\'}
# Capture needs REPLICATION SLAVE and BINLOG MONITOR; the clone needs SELECT, SHOW VIEW, TRIGGER, EVENT.
docker_process_sql <<SQL
CREATE USER 'paraverse'@'%' IDENTIFIED BY '$pw';
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, REPLICATION SLAVE, BINLOG MONITOR ON *.* TO 'paraverse'@'%';
CREATE DATABASE shop;
CREATE TABLE shop.customer (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NULL
);
INSERT INTO shop.customer (name, email) VALUES
  ('Ada Lovelace', 'ada@example.com'), ('Alan Turing', 'alan@example.com'), ('Grace Hopper', NULL);
SQL
unset pw
