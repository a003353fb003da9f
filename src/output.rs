//! Where and how results are written: the `--output` formats, colour, and the
//! stdout writer (data on stdout, everything else on stderr).

use std::io::{self, IsTerminal, Write};

use comfy_table::{Cell, Color, ContentArrangement, Table, presets};
use serde::Serialize;

/// `-o/--output`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Format {
    /// Human-readable table (default).
    #[default]
    Table,
    /// One JSON document with stable field names.
    Json,
    /// JUnit XML, for CI test reporters.
    Junit,
    /// Markdown, for sign-off reports and pull requests.
    Markdown,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 4] = [Format::Table, Format::Json, Format::Junit, Format::Markdown];

    /// What `--help` says about the format.
    pub fn help(self) -> &'static str {
        match self {
            Format::Table => "Human-readable table (default)",
            Format::Json => "One JSON document with stable field names",
            Format::Junit => "JUnit XML, for CI test reporters",
            Format::Markdown => "Markdown, for sign-off reports and pull requests",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Table => "table",
            Format::Json => "json",
            Format::Junit => "junit",
            Format::Markdown => "markdown",
        }
    }
}

/// Presentation choices derived from the global flags and the terminal.
#[derive(Debug, Clone)]
pub struct Style {
    pub color: bool,
    pub quiet: bool,
    /// stderr is a terminal and progress is wanted (never with json/junit).
    pub progress: bool,
}

impl Style {
    /// Decide from flags: colour only on a terminal and without `NO_COLOR`/`--no-color`.
    pub fn detect(no_color: bool, quiet: bool, format: Format) -> Self {
        let stdout_tty = io::stdout().is_terminal();
        let stderr_tty = io::stderr().is_terminal();
        Style {
            color: !no_color && stdout_tty,
            quiet,
            progress: !quiet && stderr_tty && matches!(format, Format::Table | Format::Markdown),
        }
    }

    /// No colour, no progress: for tests and files.
    pub fn plain() -> Self {
        Style {
            color: false,
            quiet: false,
            progress: false,
        }
    }

    /// A table with a header row, laid out for the terminal.
    pub fn table(&self, headers: &[&str]) -> Table {
        let mut table = Table::new();
        table.load_style(presets::UTF8_FULL_CONDENSED);
        if !self.color {
            table.force_no_tty();
        }
        table.set_content_arrangement(ContentArrangement::Dynamic);
        table.set_header(headers.iter().map(Cell::new));
        table
    }

    /// Colour a cell when colour is on.
    pub fn paint(&self, cell: Cell, color: Color) -> Cell {
        if self.color { cell.fg(color) } else { cell }
    }
}

tokio::task_local! {
    /// Set while a command runs as a playbook step: what it prints is its evidence.
    static CAPTURED: std::cell::RefCell<Vec<u8>>;
}

/// Run `f` with everything it writes to stdout through [`print`] collected
/// instead of printed (a playbook runs hctl commands in-process this way).
pub async fn capture<F: std::future::Future>(f: F) -> (F::Output, Vec<u8>) {
    CAPTURED
        .scope(std::cell::RefCell::new(Vec::new()), async {
            let output = f.await;
            (output, CAPTURED.with(|buf| buf.take()))
        })
        .await
}

/// Write `text` to stdout. A closed pipe surfaces as an `io::Error` of kind
/// `BrokenPipe`, which `main` turns into a quiet exit.
pub fn print(text: &str) -> io::Result<()> {
    if CAPTURED
        .try_with(|buf| buf.borrow_mut().extend_from_slice(text.as_bytes()))
        .is_ok()
    {
        return Ok(());
    }
    let mut out = io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()
}

/// Write a value as pretty JSON to stdout.
pub fn print_json<T: Serialize>(value: &T) -> io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(io::Error::other)?;
    text.push('\n');
    print(&text)
}

/// Write a table followed by a newline to stdout.
pub fn print_table(table: &Table) -> io::Result<()> {
    print(&format!("{table}\n"))
}

/// A line on stderr that explains a failure (e.g. why the gate failed):
/// printed even with `--quiet`, since a CI log needs it to read the exit code.
pub fn diagnostic(text: &str) {
    let _ = writeln!(io::stderr(), "{text}");
}

/// A diagnostic line on stderr, unless `--quiet`.
pub fn note(style: &Style, text: &str) {
    if !style.quiet {
        let _ = writeln!(io::stderr(), "{text}");
    }
}
