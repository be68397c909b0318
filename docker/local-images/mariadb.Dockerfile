# mypay-local/mariadb:10.11 — Debian's MariaDB 10.11 with the small part of the official
# MySQL/MariaDB images' contract that docker-compose.yml relies on: MYSQL_ROOT_PASSWORD,
# MYSQL_DATABASE, MYSQL_USER and MYSQL_PASSWORD create the database and users on the first
# start (while a socket-only server runs, so a TCP health check fails until it is done).
# Used by scripts/stack-test.sh through MYSQL_IMAGE; production runs mysql:8.0.
ARG DEBIAN_IMAGE=mypay-local/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mariadb-server mariadb-client \
    && apt-get clean && rm -rf /var/lib/apt/lists/* \
    # The package initialises a data directory of its own; the entrypoint makes ours.
    && rm -rf /var/lib/mysql && mkdir -p /var/lib/mysql /run/mysqld \
    && chown mysql:mysql /var/lib/mysql /run/mysqld \
    && printf '[mysqld]\nbind-address = 0.0.0.0\n' >/etc/mysql/mariadb.conf.d/99-container.cnf
COPY mariadb-entrypoint.sh /usr/local/bin/mariadb-entrypoint.sh
VOLUME /var/lib/mysql
EXPOSE 3306
ENTRYPOINT ["/usr/local/bin/mariadb-entrypoint.sh"]
