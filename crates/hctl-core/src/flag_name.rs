//! The one rule for feature-flag names and group ids, enforced by the server
//! (422 naming the field) and by `hctl flags` before it sends anything (exit 2).
//!
//! A name is 1 to 64 characters of lowercase ASCII letters, digits, `.`, `_`
//! and `-`, starts with a letter or a digit and holds no `..`. Lowercase only,
//! so `Leaderboard` and `leaderboard` can never be two flags that an on-call
//! engineer confuses; no `/`, spaces or `..`, so a name is always one safe URL
//! path segment. A group id (Unleash's `groupId`, hashed with the user id) is
//! free text like Unleash's: 1 to 100 characters, no control characters.

/// The longest flag name.
pub const MAX_NAME: usize = 64;

/// The longest group id.
pub const MAX_GROUP_ID: usize = 100;

/// What a valid name looks like, for error messages.
pub const NAME_RULE: &str =
    "1 to 64 of a-z, 0-9, `.`, `_`, `-`, starting with a letter or digit, without `..`";

/// What a valid group id looks like, for error messages.
pub const GROUP_ID_RULE: &str = "1 to 100 characters, no control characters";

/// Whether `name` is a valid flag name.
pub fn is_valid_name(name: &str) -> bool {
    let bytes = name.as_bytes();
    let allowed =
        |b: &u8| b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'.' | b'_' | b'-');
    !bytes.is_empty()
        && bytes.len() <= MAX_NAME
        && (bytes[0].is_ascii_lowercase() || bytes[0].is_ascii_digit())
        && bytes.iter().all(allowed)
        && !name.contains("..")
}

/// Whether `group_id` is a valid group id.
pub fn is_valid_group_id(group_id: &str) -> bool {
    let len = group_id.chars().count();
    (1..=MAX_GROUP_ID).contains(&len) && !group_id.chars().any(char::is_control)
}

/// A clap value parser for a flag name: rejects a malformed one as a usage
/// error (exit 2) before any request is sent.
pub fn parse_name(name: &str) -> Result<String, String> {
    if is_valid_name(name) {
        Ok(name.to_string())
    } else {
        Err(format!("`{name}` is not a flag name: {NAME_RULE}"))
    }
}

/// A clap value parser for a group id.
pub fn parse_group_id(group_id: &str) -> Result<String, String> {
    if is_valid_group_id(group_id) {
        Ok(group_id.to_string())
    } else {
        Err(format!("`{group_id}` is not a group id: {GROUP_ID_RULE}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        for ok in [
            "leaderboard",
            "a",
            "0",
            "new-onboarding",
            "v2.checkout_flow",
            &"a".repeat(64),
        ] {
            assert!(is_valid_name(ok), "{ok}");
        }
        for bad in [
            "",
            "bad..name",
            "Leaderboard",
            "with space",
            "-leading-dash",
            ".hidden",
            "_underscore",
            "a/b",
            "é",
            "a\n",
            &"a".repeat(65),
        ] {
            assert!(!is_valid_name(bad), "{bad:?}");
            assert!(parse_name(bad).unwrap_err().contains("not a flag name"));
        }
    }

    #[test]
    fn group_ids() {
        for ok in [
            "AB12A",
            "Feature.flexibleRollout.10",
            "checkout 2026",
            &"x".repeat(100),
        ] {
            assert!(is_valid_group_id(ok), "{ok}");
        }
        for bad in ["", "tab\there", &"x".repeat(101)] {
            assert!(!is_valid_group_id(bad), "{bad:?}");
        }
    }
}
