//! The guards of `hctl flags ramp`: `PROMQL OP NUMBER`, OP one of `<` `<=`
//! `>` `>=` `==` `!=`. PromQL has these characters too (`x > 0`, `a != b`
//! in a matcher), so the threshold is always the number at the very end and
//! the operator the one just before it; everything before that is the query,
//! passed to Prometheus untouched. A guard is judged over every point of
//! every series a range query returns: all must hold, and fewer points than
//! the minimum is no decision (the ramp holds), never a pass.

use std::fmt;

use serde::Serialize;

/// A comparison a guard makes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
    Ne,
}

impl Op {
    /// Longest first, so `<=` is not read as `<`.
    const ALL: [(Op, &'static str); 6] = [
        (Op::Le, "<="),
        (Op::Ge, ">="),
        (Op::Eq, "=="),
        (Op::Ne, "!="),
        (Op::Lt, "<"),
        (Op::Gt, ">"),
    ];

    pub fn as_str(self) -> &'static str {
        Op::ALL
            .iter()
            .find(|(op, _)| *op == self)
            .map_or("?", |(_, s)| s)
    }

    pub fn holds(self, value: f64, threshold: f64) -> bool {
        match self {
            Op::Lt => value < threshold,
            Op::Le => value <= threshold,
            Op::Gt => value > threshold,
            Op::Ge => value >= threshold,
            Op::Eq => value == threshold,
            Op::Ne => value != threshold,
        }
    }
}

/// One guard: a PromQL query, an operator, a threshold.
#[derive(Debug, Clone, PartialEq)]
pub struct Guard {
    pub query: String,
    pub op: Op,
    pub threshold: f64,
}

impl fmt::Display for Guard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.query, self.op.as_str(), self.threshold)
    }
}

/// What to write, for error messages.
const GRAMMAR: &str = "write `PROMQL OP NUMBER` with OP one of < <= > >= == != and the number last, e.g. 'max(job:http_request_errors:ratio_rate5m) < 0.001'";

/// Parse `PROMQL OP NUMBER` (see the module docs).
pub fn parse(text: &str) -> Result<Guard, String> {
    let text = text.trim();
    let number_start = text
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_'))
        .last()
        .map_or(text.len(), |(i, _)| i);
    let (rest, number) = text.split_at(number_start);
    let threshold = parse_number(number)
        .ok_or_else(|| format!("guard `{text}`: no threshold number at the end; {GRAMMAR}"))?;
    let rest = rest.trim_end();
    let (op, query) = Op::ALL
        .iter()
        .find_map(|(op, s)| rest.strip_suffix(s).map(|q| (*op, q.trim())))
        .ok_or_else(|| {
            format!("guard `{text}`: no comparison before the threshold `{number}`; {GRAMMAR}")
        })?;
    if query.is_empty() {
        return Err(format!(
            "guard `{text}`: no query before `{}`; {GRAMMAR}",
            op.as_str()
        ));
    }
    Ok(Guard {
        query: query.to_string(),
        op,
        threshold,
    })
}

/// A finite number, `_` allowed between digits (`1_000`); a sign may lead
/// (`< -1`), which the scan above may have taken from the operator side.
fn parse_number(text: &str) -> Option<f64> {
    let cleaned = text.replace('_', "");
    cleaned.parse::<f64>().ok().filter(|v| {
        v.is_finite()
            && cleaned.starts_with(|c: char| c.is_ascii_digit() || matches!(c, '-' | '+' | '.'))
    })
}

/// How a guard came out over one interval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Every point held, and there were enough.
    Pass,
    /// A point broke the threshold.
    Breach,
    /// Too few points (or Prometheus unreachable): no decision.
    Hold,
}

/// A guard's verdict with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Judged {
    pub guard: String,
    pub verdict: Verdict,
    /// The worst point seen: the one furthest on the wrong side of the
    /// threshold (the first breaking one for `==` / `!=`).
    pub value: Option<f64>,
    pub threshold: f64,
    pub samples: usize,
    pub detail: String,
}

/// Judge `series` (each series' points) against `guard`.
pub fn judge(guard: &Guard, series: &[(String, Vec<f64>)], min_samples: usize) -> Judged {
    let points: Vec<f64> = series.iter().flat_map(|(_, p)| p.iter().copied()).collect();
    let samples = points.len();
    let worst = worst(guard, &points);
    let (verdict, detail) = match worst {
        Some(v) if !guard.op.holds(v, guard.threshold) => (
            Verdict::Breach,
            format!(
                "`{guard}` breached: {v} (threshold {}, {samples} samples)",
                guard.threshold
            ),
        ),
        _ if samples < min_samples => (
            Verdict::Hold,
            if samples == 0 {
                format!("`{}`: no data", guard.query)
            } else {
                format!(
                    "`{}`: {samples} of {min_samples} samples needed",
                    guard.query
                )
            },
        ),
        Some(v) => (
            Verdict::Pass,
            format!("`{guard}` holds: worst {v} over {samples} samples"),
        ),
        None => (Verdict::Hold, format!("`{}`: no data", guard.query)),
    };
    Judged {
        guard: guard.to_string(),
        verdict,
        value: worst,
        threshold: guard.threshold,
        samples,
        detail,
    }
}

/// A guard that could not be asked (Prometheus down, a bad answer): a hold.
pub fn unanswered(guard: &Guard, why: &str) -> Judged {
    Judged {
        guard: guard.to_string(),
        verdict: Verdict::Hold,
        value: None,
        threshold: guard.threshold,
        samples: 0,
        detail: format!("`{}`: {why}", guard.query),
    }
}

fn worst(guard: &Guard, points: &[f64]) -> Option<f64> {
    let it = points.iter().copied();
    match guard.op {
        Op::Lt | Op::Le => it.reduce(|a, b| if b > a || b.is_nan() { b } else { a }),
        Op::Gt | Op::Ge => it.reduce(|a, b| if b < a || b.is_nan() { b } else { a }),
        Op::Eq | Op::Ne => {
            let first = points.first().copied();
            points
                .iter()
                .copied()
                .find(|v| !guard.op.holds(*v, guard.threshold))
                .or(first)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_threshold_is_the_number_at_the_end() {
        let g = parse("sum(rate(x{code!=\"200\"}[5m])) / sum(rate(x[5m])) > 0 < 0.001").unwrap();
        assert_eq!(
            g.query,
            "sum(rate(x{code!=\"200\"}[5m])) / sum(rate(x[5m])) > 0"
        );
        assert_eq!(g.op, Op::Lt);
        assert_eq!(g.threshold, 0.001);
        let g = parse("histogram_quantile(0.95, sum by (le) (rate(h[5m])))<=0.5").unwrap();
        assert_eq!((g.op, g.threshold), (Op::Le, 0.5));
        assert_eq!(parse("up == 1").unwrap().op, Op::Eq);
        assert_eq!(parse("up != 0").unwrap().op, Op::Ne);
        assert_eq!(parse("x >= 1e-3").unwrap().threshold, 0.001);
        assert_eq!(parse("x > -2").unwrap().threshold, -2.0);
        assert_eq!(parse("x < 1_000").unwrap().threshold, 1000.0);
        assert_eq!(parse("x < 1_000").unwrap().to_string(), "x < 1000");
        for bad in ["x", "x < ", "< 1", "x < abc", "x 0.5", "x < inf", "x < NaN"] {
            let err = parse(bad).unwrap_err();
            assert!(err.contains("PROMQL OP NUMBER"), "{bad}: {err}");
        }
    }

    #[test]
    fn every_point_must_hold_and_too_few_hold_the_ramp() {
        let g = parse("errors < 0.1").unwrap();
        let s = |p: &[f64]| vec![("{}".to_string(), p.to_vec())];
        assert_eq!(judge(&g, &s(&[0.01, 0.02]), 1).verdict, Verdict::Pass);
        let j = judge(&g, &s(&[0.01, 0.5, 0.2]), 1);
        assert_eq!((j.verdict, j.value), (Verdict::Breach, Some(0.5)));
        assert!(
            j.detail.contains("0.5") && j.detail.contains("0.1"),
            "{}",
            j.detail
        );
        assert_eq!(judge(&g, &[], 1).verdict, Verdict::Hold);
        assert_eq!(judge(&g, &s(&[0.01]), 3).verdict, Verdict::Hold);
        // A breach is a breach even with too few points.
        assert_eq!(judge(&g, &s(&[0.9]), 3).verdict, Verdict::Breach);
        // NaN fails every comparison.
        assert_eq!(judge(&g, &s(&[0.01, f64::NAN]), 1).verdict, Verdict::Breach);
        let up = parse("up == 1").unwrap();
        assert_eq!(judge(&up, &s(&[1.0, 0.0, 1.0]), 1).value, Some(0.0));
    }
}
