#!/bin/sh
# Entrypoint of mypay-local/mariadb: on an empty data directory, creates the root password,
# the database and the app user from MYSQL_* (like the official images), then runs the
# server in the foreground with the arguments given (server options, e.g. from Compose).
set -eu

DATADIR=/var/lib/mysql
INIT_SOCKET=/run/mysqld/init.sock

# A value inside a single-quoted SQL string.
sql_string() {
    printf '%s' "$1" | sed -e 's/\\/\\\\/g' -e "s/'/''/g"
}

initialise() {
    : "${MYSQL_ROOT_PASSWORD:?set MYSQL_ROOT_PASSWORD}"
    echo "mariadb-entrypoint: initialising $DATADIR"
    mariadb-install-db --user=mysql --datadir="$DATADIR" --skip-test-db \
        --auth-root-authentication-method=normal >/dev/null
    mariadbd --user=mysql --datadir="$DATADIR" --skip-networking --socket="$INIT_SOCKET" "$@" &
    pid=$!
    tries=0
    until mariadb-admin --socket="$INIT_SOCKET" -uroot ping >/dev/null 2>&1; do
        tries=$((tries + 1))
        [ "$tries" -lt 120 ] || { echo "mariadb-entrypoint: server did not start" >&2; exit 1; }
        kill -0 "$pid" 2>/dev/null || { echo "mariadb-entrypoint: server exited" >&2; exit 1; }
        sleep 0.5
    done
    root_pw=$(sql_string "$MYSQL_ROOT_PASSWORD")
    {
        # mariadb-install-db also makes password-less root@127.0.0.1, root@::1 and
        # root@<hostname>; only root@localhost and root@% (with the password) stay.
        echo "DROP USER IF EXISTS 'root'@'127.0.0.1', 'root'@'::1';"
        echo "EXECUTE IMMEDIATE CONCAT('DROP USER IF EXISTS ''root''@''', @@hostname, '''');"
        echo "ALTER USER 'root'@'localhost' IDENTIFIED BY '$root_pw';"
        echo "CREATE USER 'root'@'%' IDENTIFIED BY '$root_pw';"
        echo "GRANT ALL PRIVILEGES ON *.* TO 'root'@'%' WITH GRANT OPTION;"
        if [ -n "${MYSQL_DATABASE:-}" ]; then
            echo "CREATE DATABASE IF NOT EXISTS \`$MYSQL_DATABASE\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;"
        fi
        if [ -n "${MYSQL_USER:-}" ] && [ -n "${MYSQL_PASSWORD:-}" ]; then
            echo "CREATE USER '$(sql_string "$MYSQL_USER")'@'%' IDENTIFIED BY '$(sql_string "$MYSQL_PASSWORD")';"
            if [ -n "${MYSQL_DATABASE:-}" ]; then
                echo "GRANT ALL PRIVILEGES ON \`$MYSQL_DATABASE\`.* TO '$(sql_string "$MYSQL_USER")'@'%';"
            fi
        fi
        echo "FLUSH PRIVILEGES;"
    } | mariadb --socket="$INIT_SOCKET" -uroot
    MYSQL_PWD="$MYSQL_ROOT_PASSWORD" mariadb-admin --socket="$INIT_SOCKET" -uroot shutdown
    wait "$pid" || true
    echo "mariadb-entrypoint: initialised"
}

mkdir -p /run/mysqld
chown mysql:mysql /run/mysqld "$DATADIR"
[ -d "$DATADIR/mysql" ] || initialise "$@"
exec mariadbd --user=mysql --datadir="$DATADIR" "$@"
