#!/usr/bin/env bash
# For a tester with a real SQL Server (2022 or later): creates the login the live suite uses and prints the line to export.
# Usage: scripts/sqlserver-test-login.sh SERVER SA_PASSWORD [LOGIN_PASSWORD]
# Needs sqlcmd (mssql-tools18). The login may create databases: each test class makes its own and drops it.
set -euo pipefail
server=${1:?usage: $0 SERVER SA_PASSWORD [LOGIN_PASSWORD]}
sa_password=${2:?usage: $0 SERVER SA_PASSWORD [LOGIN_PASSWORD]}
password=${3:-$(head -c 18 /dev/urandom | base64 | tr -dc 'A-Za-z0-9')Aa1!}
command -v sqlcmd >/dev/null || { echo "sqlcmd is not installed (Microsoft's mssql-tools18 package)." >&2; exit 2; }
sqlcmd -S "$server" -U sa -P "$sa_password" -C -b -v pw="$password" -Q "
IF SUSER_ID('contacthub_test') IS NULL CREATE LOGIN contacthub_test WITH PASSWORD = '\$(pw)', CHECK_POLICY = OFF;
ELSE ALTER LOGIN contacthub_test WITH PASSWORD = '\$(pw)';
ALTER SERVER ROLE dbcreator ADD MEMBER contacthub_test;"
echo "export CONTACTHUB_TEST_SQLSERVER=\"Server=$server;User Id=contacthub_test;Password=$password;TrustServerCertificate=True;Database=master\""
