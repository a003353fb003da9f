-- Unleash's groupId per feature flag: hashed with the user id to pick the
-- user's rollout bucket. NULL (rows from before this migration, or written by
-- an older replica during a rolling upgrade) means the flag name, Unleash's
-- default, so existing rollouts keep every user where they were.
ALTER TABLE feature_flags ADD COLUMN group_id TEXT;
