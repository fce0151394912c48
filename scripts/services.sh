#!/usr/bin/env bash
# Starts (if stopped) the local services the integration tests talk to, all on loopback:
# PostgreSQL :5432, MariaDB :3306, Redis :6379, memcached :11211.
set -euo pipefail
up() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_for() { for _ in $(seq 1 60); do up "$1" && return 0; sleep 0.5; done; echo "services: port $1 did not open" >&2; return 1; }

if ! up 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start || true
  wait_for 5432
fi
if ! up 3306; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld 2>/dev/null || true
  start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
  wait_for 3306
fi
if ! up 6379; then
  mkdir -p /var/lib/redis /var/log/redis
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log
  wait_for 6379
fi
if ! up 11211; then
  memcached -d -u nobody -l 127.0.0.1 -p 11211 -m 64
  wait_for 11211
fi
echo "services: postgresql, mariadb, redis and memcached are up"
