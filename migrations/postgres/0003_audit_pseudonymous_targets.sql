-- Audit rows name accounts by their pseudonymous id (`user:<uuid>`), never by
-- email. Login rows written before this migration named the email as their
-- target: a live account's rows get its id (what new rows carry); rows of an
-- address with no account (unknown addresses, accounts already erased) lose
-- the address. They cannot get the keyed hash new rows carry: its key is the
-- server's JWT secret, which the database never sees.
UPDATE audit_log SET target = 'user:' || users.id::text
FROM users
WHERE audit_log.target = users.email;

UPDATE audit_log SET target = 'email:redacted'
WHERE action LIKE 'auth.%' AND target LIKE '%@%';
