//! JSON view: the [`Report`] itself, serialized. The field names are a
//! documented contract (see the README), so they only ever grow.

use std::io::Write;

use super::Report;

pub fn render(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, report)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::super::tests::sample;
    use super::*;

    #[test]
    fn one_document_with_every_attempt() {
        let report = sample();
        let mut buf = Vec::new();
        render(&report, &mut buf).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&buf).unwrap();
        assert_eq!(value["summary"]["fail"], 1);
        assert_eq!(value["items"][0]["attempts"].as_array().unwrap().len(), 2);
        assert_eq!(value["items"][0]["attempts"][0]["status"], "error");
        assert_eq!(value["items"][2]["severity"], "critical");
        let back: Report = serde_json::from_value(value).unwrap();
        assert_eq!(back, report);
    }
}
