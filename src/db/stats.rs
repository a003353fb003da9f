//! Per-table row counts and content checksums, and their comparison.
//!
//! The checksum is order independent (a sum of per-row hashes), so it needs no
//! sort and costs one sequential scan: PostgreSQL sums the 64-bit
//! `hashtextextended(row::text, 0)` server side (5x cheaper than md5, so the
//! checksums barely slow a backup down); SQLite sums the first 64 bits of
//! SHA-256 of each row's `quote()`d columns. The same server version always
//! gives the same value for the same rows, whatever their physical order.

use anyhow::{Context, Result};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};
use sqlx::{PgConnection, Row, SqliteConnection};

use super::manifest::TableStat;

/// Every user table of the database (or of the open transaction's snapshot).
pub async fn pg(conn: &mut PgConnection) -> Result<Vec<TableStat>> {
    let tables: Vec<(String, String)> = sqlx::query_as(
        "SELECT format('%I.%I', schemaname, tablename), schemaname || '.' || tablename
         FROM pg_tables
         WHERE schemaname NOT IN ('pg_catalog', 'information_schema')
         ORDER BY 2",
    )
    .fetch_all(&mut *conn)
    .await
    .context("could not list the tables")?;
    let mut out = Vec::with_capacity(tables.len());
    for (quoted, name) in tables {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT count(*)::bigint,
                    coalesce(sum(hashtextextended(t::text, 0)), 0)::text
             FROM {quoted} t"
        )))
        .fetch_one(&mut *conn)
        .await
        .with_context(|| format!("could not checksum table `{name}`"))?;
        out.push(TableStat {
            name,
            rows: row.get(0),
            checksum: row.get(1),
        });
    }
    Ok(out)
}

/// Every user table of a SQLite database.
pub async fn sqlite(conn: &mut SqliteConnection) -> Result<Vec<TableStat>> {
    let tables: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .context("could not list the tables")?;
    let mut out = Vec::with_capacity(tables.len());
    for (name,) in tables {
        let quoted = quote_ident(&name);
        let columns: Vec<(String,)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT name FROM pragma_table_info('{}')",
            name.replace('\'', "''")
        )))
        .fetch_all(&mut *conn)
        .await
        .with_context(|| format!("could not read the columns of `{name}`"))?;
        let row_text = if columns.is_empty() {
            "''".to_string()
        } else {
            columns
                .iter()
                .map(|(c,)| format!("quote({})", quote_ident(c)))
                .collect::<Vec<_>>()
                .join(" || ',' || ")
        };
        let mut rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT {row_text} FROM {quoted}"
        )))
        .fetch(&mut *conn);
        let mut count = 0i64;
        let mut sum = 0i128;
        while let Some(row) = rows
            .try_next()
            .await
            .with_context(|| format!("could not checksum table `{name}`"))?
        {
            let text: String = row.try_get(0).unwrap_or_default();
            count += 1;
            sum += row_hash(text.as_bytes()) as i128;
        }
        out.push(TableStat {
            name,
            rows: count,
            checksum: sum.to_string(),
        });
    }
    Ok(out)
}

fn row_hash(text: &[u8]) -> i64 {
    let digest = Sha256::digest(text);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// One table's comparison with the manifest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    pub name: String,
    /// `None` when it matches; otherwise what differs.
    pub problem: Option<String>,
}

/// Compare live (or restored) tables with the manifest's, table by table.
pub fn compare(expected: &[TableStat], actual: &[TableStat]) -> Vec<TableCheck> {
    let mut out = Vec::new();
    for want in expected {
        let problem = match actual.iter().find(|a| a.name == want.name) {
            None => Some("table is missing".to_string()),
            Some(got) if got.rows != want.rows => {
                Some(format!("{} rows, backup has {}", got.rows, want.rows))
            }
            Some(got) if got.checksum != want.checksum => Some(format!(
                "content differs ({} rows, checksum mismatch)",
                got.rows
            )),
            Some(_) => None,
        };
        out.push(TableCheck {
            name: want.name.clone(),
            problem,
        });
    }
    for got in actual {
        if !expected.iter().any(|e| e.name == got.name) {
            out.push(TableCheck {
                name: got.name.clone(),
                problem: Some(format!("table is not in the backup ({} rows)", got.rows)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stat(name: &str, rows: i64, checksum: &str) -> TableStat {
        TableStat {
            name: name.into(),
            rows,
            checksum: checksum.into(),
        }
    }

    #[test]
    fn compare_names_each_difference() {
        let expected = [stat("a", 1, "x"), stat("b", 2, "y"), stat("c", 3, "z")];
        let actual = [stat("a", 1, "x"), stat("b", 2, "q"), stat("d", 1, "w")];
        let checks = compare(&expected, &actual);
        let problems: Vec<_> = checks
            .iter()
            .map(|c| (c.name.as_str(), c.problem.clone().unwrap_or_default()))
            .collect();
        assert_eq!(problems[0], ("a", String::new()));
        assert!(problems[1].1.contains("checksum"), "{problems:?}");
        assert_eq!(problems[2], ("c", "table is missing".to_string()));
        assert!(problems[3].1.contains("not in the backup"), "{problems:?}");
    }

    #[test]
    fn row_hash_differs_per_row() {
        assert_ne!(row_hash(b"1,'a'"), row_hash(b"1,'b'"));
    }
}
