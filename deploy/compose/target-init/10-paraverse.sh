# shellcheck shell=bash
# Sourced by the mariadb image's entrypoint on the first start (docker_process_sql: root over the socket).
# The target is the clone Paraverse builds and upgrades, so its user may create, load and alter anything there.
pw=$(cat /run/secrets/target-password)
pw=${pw//\\/\\\\}
pw=${pw//\'/\\\'}
docker_process_sql <<SQL
CREATE USER 'paraverse'@'%' IDENTIFIED BY '$pw';
GRANT ALL PRIVILEGES ON *.* TO 'paraverse'@'%';
SQL
unset pw
