# shellcheck shell=bash
# Sourced by the mysql image's entrypoint on the first start (docker_process_sql: root over the socket).
# mysql_native_password: the MariaDB JDBC driver then needs neither TLS nor RSA key retrieval (MySQL 8.0 only;
# 8.4 disables that plugin by default).
pw=$(cat /run/secrets/source-password)
pw=${pw//\\/\\\\}
pw=${pw//\'/\\\'}
# REPLICATION SLAVE/CLIENT for the binlog, SELECT etc. for the clone, RELOAD for the snapshot's global read lock.
docker_process_sql <<SQL
CREATE USER 'paraverse'@'%' IDENTIFIED WITH mysql_native_password BY '$pw';
GRANT SELECT, SHOW VIEW, TRIGGER, EVENT, RELOAD, REPLICATION SLAVE, REPLICATION CLIENT ON *.* TO 'paraverse'@'%';
CREATE DATABASE shop8;
CREATE TABLE shop8.customer (
  id INT AUTO_INCREMENT PRIMARY KEY,
  name VARCHAR(100) NOT NULL,
  email VARCHAR(200) NULL
);
INSERT INTO shop8.customer (name, email) VALUES
  ('Ada Lovelace', 'ada@example.com'), ('Alan Turing', 'alan@example.com'), ('Grace Hopper', NULL);
SQL
unset pw
