-- Audit rows name accounts by their pseudonymous id (`user:<uuid>`), never by
-- email. Login rows written before this migration named the email as their
-- target: a live account's rows get its id (what new rows carry); rows of an
-- address with no account (unknown addresses, accounts already erased) lose
-- the address. They cannot get the keyed hash new rows carry: its key is the
-- server's JWT secret, which the database never sees.
-- Ids are 16-byte blobs: formatted here as hyphenated lowercase UUIDs.
UPDATE audit_log SET target = (
    SELECT 'user:' || lower(substr(hex(u.id), 1, 8) || '-' || substr(hex(u.id), 9, 4) || '-'
        || substr(hex(u.id), 13, 4) || '-' || substr(hex(u.id), 17, 4) || '-' || substr(hex(u.id), 21, 12))
    FROM users u WHERE u.email = audit_log.target
)
WHERE target IN (SELECT email FROM users);

UPDATE audit_log SET target = 'email:redacted'
WHERE action LIKE 'auth.%' AND target LIKE '%@%';
