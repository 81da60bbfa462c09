-- pgbench script for the soak (pgbench_soak.sh): an account closes. The sweep must take its row
-- out of the mirror; TPC-B transactions that pick this aid later update nothing.
\set aid random(1, 100000 * :scale)
DELETE FROM pgbench_accounts WHERE aid = :aid;
