//! The errors the shared pieces raise and the one-line text every part of hctl
//! prints them in: [`UsageError`] (what the user gave was wrong; the launch
//! tool maps it to exit 2 under any context) and [`one_line`] / [`message`].

/// An error caused by what the user gave us: flags, config, YAML, a selector
/// matching nothing, a refused confirmation. hctl's `exit::classify` maps it to exit 2,
/// under any context. `?` turns it into an `anyhow::Error`.
#[derive(Debug, thiserror::Error)]
#[error("{}", .problems.join("\n"))]
pub struct UsageError {
    /// Each one line; several when a file has several problems.
    problems: Vec<String>,
}

impl UsageError {
    /// A usage error saying what was wrong and what to do.
    pub fn new(message: impl Into<String>) -> Self {
        UsageError {
            problems: vec![message.into()],
        }
    }

    /// Several problems reported together (every error of a checklist);
    /// [`message`] prints them one a line.
    pub fn list(problems: Vec<String>) -> Self {
        UsageError { problems }
    }
}

/// An error and its causes on one line, `what: why: root cause`, leaving
/// out a cause whose text an earlier one already includes (many libraries
/// print their source inside their own message) and any newlines.
pub fn one_line<I, S>(causes: I) -> String
where
    I: IntoIterator<Item = S>,
    S: std::fmt::Display,
{
    join_causes(causes.into_iter().map(|c| flat(&c.to_string())))
}

/// `a: b: c` without a cause an earlier one already includes.
fn join_causes(causes: impl Iterator<Item = String>) -> String {
    let mut text = String::new();
    for next in causes {
        if flat(&text).contains(&flat(&next)) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&next);
    }
    text
}

fn flat(text: &str) -> String {
    text.replace('\n', " ")
}

/// [`one_line`] for a `std` error and its sources.
pub fn error_line(err: &dyn std::error::Error) -> String {
    one_line(std::iter::successors(Some(err), |e| e.source()))
}

/// What `main` prints for an error: its whole chain on one line, no
/// repeats; a usage error listing several problems keeps one line for each.
pub fn message(err: &anyhow::Error) -> String {
    join_causes(
        err.chain()
            .map(|cause| match cause.downcast_ref::<UsageError>() {
                Some(usage) => usage.to_string(),
                None => flat(&cause.to_string()),
            }),
    )
}
