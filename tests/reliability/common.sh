# Helpers shared by the reliability scripts: a fresh database per round on each server, and SQL
# run on it through the servers' own clients (psql, mariadb, sqlite3), not through migrate.

# The quickstart binary: four migrations, two branches and a merge.
BIN=${QUICKSTART:-target/debug/quickstart}
HEAD=53fffde5ad5a
MIGRATIONS=4

# The databases to try: $KINDS if set (e.g. "sqlite postgres"), else SQLite and every server the
# environment names.
kinds() {
    if [ -n "${KINDS:-}" ]; then echo "$KINDS" | tr ' ' '\n'; return 0; fi
    echo sqlite
    [ -n "${MIGRATE_TEST_POSTGRES_URL:-}" ] && echo postgres
    [ -n "${MIGRATE_TEST_MYSQL_URL:-}" ] && echo mysql
    return 0
}

# Prints the URL of a new empty database named $2 of kind $1.
create_database() {
    local kind=$1 name=$2
    case $kind in
        sqlite) rm -f "/tmp/$name.db"*; echo "sqlite:///tmp/$name.db?mode=rwc" ;;
        postgres) psql -q "$MIGRATE_TEST_POSTGRES_URL" -c "CREATE DATABASE $name" >/dev/null
                  echo "${MIGRATE_TEST_POSTGRES_URL%/*}/$name" ;;
        mysql) mariadb_on "${MIGRATE_TEST_MYSQL_URL}" -e "CREATE DATABASE $name"
               echo "${MIGRATE_TEST_MYSQL_URL%/*}/$name" ;;
    esac
}

drop_database() {
    local kind=$1 name=$2
    case $kind in
        sqlite) rm -f "/tmp/$name.db"* ;;
        postgres) psql -q "$MIGRATE_TEST_POSTGRES_URL" -c "DROP DATABASE $name WITH (FORCE)" >/dev/null ;;
        mysql) mariadb_on "$MIGRATE_TEST_MYSQL_URL" -e "DROP DATABASE $name" ;;
    esac
}

# mariadb's client from a mysql://user[:password]@host:port/database URL.
mariadb_on() {
    local url=$1; shift
    local rest=${url#*://} auth host database
    auth=${rest%%@*}; host=${rest#*@}; database=${host#*/}; host=${host%%/*}
    local user=${auth%%:*} password=""
    [ "$auth" != "$user" ] && password=${auth#*:}
    MYSQL_PWD=$password mariadb -N -B -u "$user" -h "${host%%:*}" -P "${host##*:}" "$database" "$@"
}

# Prints the result of one query on the database at $2 (kind $1).
query() {
    local kind=$1 url=$2 sql=$3
    case $kind in
        sqlite) local path=${url#sqlite://}; sqlite3 "${path%%\?*}" "$sql" ;;
        postgres) psql -tA "$url" -c "$sql" ;;
        mysql) mariadb_on "$url" -e "$sql" ;;
    esac
}
