-- Runs once when the compose PostgreSQL volume is created: the gateway's own role and database,
-- next to Temporal's.
create role aegis login password 'aegis';
create database aegis owner aegis;
