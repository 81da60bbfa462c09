-- pgbench script for the soak (pgbench_soak.sh): a closed account opens again under the same
-- aid, with a new cursor value. Between two passes a key can so be deleted and inserted again,
-- and a sweep can look for it while the insert is not yet committed: the mirror must end up
-- with the new row, not without it.
\set aid random(1, 100000 * :scale)
INSERT INTO pgbench_accounts (aid, bid, abalance, filler)
VALUES (:aid, (:aid - 1) / 100000 + 1, 0, '') ON CONFLICT (aid) DO NOTHING;
