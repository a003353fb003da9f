//! `hctl db migrate --lint`: flag statements in pending migrations that lock
//! or destroy data on a live database, before they run.
//!
//! The rules are textual and deliberately conservative: DROP TABLE/COLUMN,
//! ALTER COLUMN … TYPE, ADD COLUMN … NOT NULL without a DEFAULT, SET NOT NULL,
//! RENAME, TRUNCATE, and (PostgreSQL) CREATE INDEX without CONCURRENTLY on a
//! table the same migration did not create. Statements on tables created in
//! the same migration are fine: nobody can be reading them yet.

use serde::Serialize;

use super::Backend;
use super::migrate::Migration;

/// One risky statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// `migrations/<backend>/<file>:<line>`.
    pub location: String,
    pub rule: &'static str,
    pub statement: String,
    pub why: &'static str,
}

/// Lint every migration in `migrations`.
pub fn lint(backend: Backend, migrations: &[&Migration]) -> Vec<Finding> {
    migrations
        .iter()
        .flat_map(|m| {
            lint_sql(
                backend,
                &format!("migrations/{}/{}", backend.as_str(), m.file),
                m.sql,
            )
        })
        .collect()
}

/// Lint one file's SQL.
pub fn lint_sql(backend: Backend, path: &str, sql: &str) -> Vec<Finding> {
    let statements = split(sql);
    let created: Vec<String> = statements
        .iter()
        .filter_map(|(_, s)| table_after(s, &["CREATE TABLE IF NOT EXISTS ", "CREATE TABLE "]))
        .collect();
    let mut findings = Vec::new();
    for (line, stmt) in &statements {
        let upper = normalise(stmt);
        let on_new_table =
            |prefixes: &[&str]| table_after(stmt, prefixes).is_some_and(|t| created.contains(&t));
        let mut flag = |rule: &'static str, why: &'static str| {
            findings.push(Finding {
                location: format!("{path}:{line}"),
                rule,
                statement: one_line(stmt),
                why,
            })
        };
        if upper.starts_with("DROP TABLE") {
            flag("drop-table", "deletes a table and its data");
        }
        if upper.starts_with("TRUNCATE") {
            flag("truncate", "deletes every row");
        }
        let alter = upper.starts_with("ALTER TABLE")
            && !on_new_table(&[
                "ALTER TABLE IF EXISTS ",
                "ALTER TABLE ONLY ",
                "ALTER TABLE ",
            ]);
        if alter {
            if upper.contains(" DROP COLUMN") {
                flag(
                    "drop-column",
                    "deletes a column and its data; running releases may still read it",
                );
            }
            if upper.contains(" TYPE ") {
                flag("type-change", "rewrites the table under an exclusive lock");
            }
            if upper.contains(" ADD COLUMN")
                && upper.contains("NOT NULL")
                && !upper.contains("DEFAULT")
            {
                flag(
                    "not-null-without-default",
                    "fails on a table with rows, or locks it while checking",
                );
            }
            if upper.contains("SET NOT NULL") {
                flag(
                    "set-not-null",
                    "scans the whole table under an exclusive lock",
                );
            }
            if upper.contains(" RENAME ") {
                flag(
                    "rename",
                    "breaks the release that is still running during a rollout",
                );
            }
        }
        let index = upper.starts_with("CREATE INDEX") || upper.starts_with("CREATE UNIQUE INDEX");
        if backend == Backend::Postgres
            && index
            && !upper.contains(" CONCURRENTLY ")
            && !index_on_new_table(&upper, &created)
        {
            flag(
                "index-without-concurrently",
                "blocks writes to the table while the index builds",
            );
        }
    }
    findings
}

/// Statements with the line they start on; `--` comments dropped.
fn split(sql: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut start = 0;
    for (n, raw) in sql.lines().enumerate() {
        let line = raw.split("--").next().unwrap_or("");
        if current.trim().is_empty() && !line.trim().is_empty() {
            start = n + 1;
        }
        for (i, part) in line.split(';').enumerate() {
            if i > 0 {
                if !current.trim().is_empty() {
                    out.push((start, current.trim().to_string()));
                }
                current.clear();
                start = n + 1;
            }
            current.push_str(part);
            current.push(' ');
        }
    }
    if !current.trim().is_empty() {
        out.push((start, current.trim().to_string()));
    }
    out
}

fn normalise(stmt: &str) -> String {
    format!(
        "{} ",
        stmt.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_ascii_uppercase()
    )
}

fn one_line(stmt: &str) -> String {
    let text = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > 100 {
        format!("{}…", text.chars().take(100).collect::<String>())
    } else {
        text
    }
}

/// The (lower-cased, unquoted) table name after the first matching prefix.
fn table_after(stmt: &str, prefixes: &[&str]) -> Option<String> {
    let upper = normalise(stmt);
    let original = stmt.split_whitespace().collect::<Vec<_>>().join(" ");
    let prefix = prefixes.iter().find(|p| upper.starts_with(*p))?;
    let rest = original.get(prefix.len()..)?;
    let name = rest.split(|c: char| c.is_whitespace() || c == '(').next()?;
    Some(name.trim_matches('"').to_ascii_lowercase())
}

fn index_on_new_table(upper: &str, created: &[String]) -> bool {
    upper
        .split(" ON ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| c.is_whitespace() || c == '(').next())
        .is_some_and(|t| created.contains(&t.trim_matches('"').to_ascii_lowercase()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(sql: &str) -> Vec<&'static str> {
        lint_sql(Backend::Postgres, "m.sql", sql)
            .into_iter()
            .map(|f| f.rule)
            .collect()
    }

    #[test]
    fn new_tables_are_not_flagged() {
        let sql = "CREATE TABLE users (id bigint NOT NULL);\nCREATE INDEX users_id ON users (id);\nALTER TABLE users ADD COLUMN email text NOT NULL;";
        assert!(rules(sql).is_empty(), "{:?}", rules(sql));
    }

    #[test]
    fn destructive_statements_on_existing_tables_are_flagged_with_lines() {
        let sql = "-- cleanup\nDROP TABLE old_stuff;\nALTER TABLE entries DROP COLUMN note;\nALTER TABLE entries ALTER COLUMN value TYPE numeric;\nALTER TABLE entries ADD COLUMN unit text NOT NULL;\nCREATE INDEX entries_kind ON entries (kind);\nCREATE INDEX CONCURRENTLY entries_at ON entries (recorded_at);\nALTER TABLE users ADD COLUMN tz text NOT NULL DEFAULT 'UTC';";
        assert_eq!(
            rules(sql),
            [
                "drop-table",
                "drop-column",
                "type-change",
                "not-null-without-default",
                "index-without-concurrently"
            ]
        );
        let first = &lint_sql(Backend::Postgres, "m.sql", sql)[0];
        assert_eq!(first.location, "m.sql:2");
    }

    #[test]
    fn shipped_migrations_are_clean() {
        for backend in [Backend::Postgres, Backend::Sqlite] {
            let all: Vec<&Migration> = super::super::migrate::embedded(backend).iter().collect();
            assert!(lint(backend, &all).is_empty(), "{:?}", lint(backend, &all));
        }
    }
}
