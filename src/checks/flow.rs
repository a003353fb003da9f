//! The `flow` kind: a user journey as ordered HTTP steps. Each step is an
//! `http` check (the same fields and assertions) with a `name` and `capture`
//! (variable → dotted JSON path of its answer); `{{ var }}` and `{{ run.id }}`
//! (unique per run) are filled into later steps' URL, body, request headers
//! and expected values. The first failing step ends the journey; `cleanup`
//! steps run after it whatever happened (those whose variables were never
//! captured are skipped), also when the attempt is cancelled by its timeout.
//! The detail lists every step with its status and latency.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};

use serde::de::Error as _;
use serde::{Deserialize, Deserializer};

use super::Outcome;
use super::http::{self, HttpCheck};
use crate::duration;
use crate::report::Status;
use crate::template::substitute;

/// The `run.id` variable's name.
const RUN_ID: &str = "run.id";

#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "RawFlow")]
pub struct FlowCheck {
    pub steps: Vec<Step>,
    pub cleanup: Vec<Step>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFlow {
    /// Prefixed to step URLs that start with `/`.
    #[serde(default)]
    base_url: Option<String>,
    steps: Vec<Step>,
    #[serde(default)]
    cleanup: Vec<Step>,
}

/// One step: an `http` check with a name and captures.
#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    /// Variable name → dotted JSON path in the answer.
    pub capture: BTreeMap<String, String>,
    pub http: HttpCheck,
}

impl<'de> Deserialize<'de> for Step {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let mut map = serde_json::Map::<String, serde_json::Value>::deserialize(d)?;
        let name = match map.remove("name") {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => s,
            Some(_) => return Err(D::Error::custom("a step's `name` must be a non-empty text")),
            None => return Err(D::Error::missing_field("name")),
        };
        let capture = match map.remove("capture") {
            None => BTreeMap::new(),
            Some(v) => serde_json::from_value(v)
                .map_err(|e| D::Error::custom(format!("step `{name}`: `capture`: {e}")))?,
        };
        let http = serde_json::from_value(serde_json::Value::Object(map))
            .map_err(|e| D::Error::custom(format!("step `{name}`: {e}")))?;
        Ok(Step {
            name,
            capture,
            http,
        })
    }
}

impl TryFrom<RawFlow> for FlowCheck {
    type Error = String;

    fn try_from(raw: RawFlow) -> Result<Self, String> {
        if raw.steps.is_empty() {
            return Err("a flow needs at least one step in `steps`".into());
        }
        let mut names = BTreeSet::new();
        let mut known = BTreeSet::from([RUN_ID.to_string()]);
        let mut fix = |mut step: Step, known: &BTreeSet<String>| -> Result<Step, String> {
            if !names.insert(step.name.clone()) {
                return Err(format!("two steps are named `{}`", step.name));
            }
            if step.http.url.starts_with('/') {
                let base = raw.base_url.as_deref().ok_or_else(|| {
                    format!(
                        "step `{}`: url `{}` is a path, so the flow needs `base_url`",
                        step.name, step.http.url
                    )
                })?;
                step.http.url = format!("{}{}", base.trim_end_matches('/'), step.http.url);
            }
            for text in templated(&step.http) {
                for var in variables(text).map_err(|e| format!("step `{}`: {e}", step.name))? {
                    if !known.contains(&var) {
                        return Err(format!(
                            "step `{}` uses `{{{{ {var} }}}}`, which no earlier step captures (known: {})",
                            step.name,
                            known.iter().cloned().collect::<Vec<_>>().join(", ")
                        ));
                    }
                }
            }
            Ok(step)
        };
        let mut steps = Vec::new();
        for step in raw.steps {
            let captures: Vec<String> = step.capture.keys().cloned().collect();
            steps.push(fix(step, &known)?);
            known.extend(captures);
        }
        let cleanup = raw
            .cleanup
            .into_iter()
            .map(|step| fix(step, &known))
            .collect::<Result<_, _>>()?;
        Ok(FlowCheck { steps, cleanup })
    }
}

/// The texts of a step that may hold `{{ var }}`.
fn templated(check: &HttpCheck) -> Vec<&str> {
    let mut texts = vec![check.url.as_str()];
    texts.extend(check.body.as_deref());
    texts.extend(check.request_headers.values().map(String::as_str));
    texts.extend(check.headers.values().map(String::as_str));
    texts.extend(check.json.values().filter_map(|v| v.as_str()));
    texts
}

/// The variables `text` references.
fn variables(text: &str) -> Result<Vec<String>, String> {
    let mut found = Vec::new();
    substitute(
        text,
        |t| format!("unterminated template `{t}`"),
        &mut |expr, _| {
            found.push(expr.to_string());
            Ok(String::new())
        },
    )?;
    Ok(found)
}

/// `text` with every `{{ var }}` replaced; every variable is known (checked
/// at load time), except those of a step that may not have been captured.
fn fill(text: &str, vars: &BTreeMap<String, String>) -> Result<String, String> {
    substitute(
        text,
        |t| format!("unterminated template `{t}`"),
        &mut |expr, _| {
            vars.get(expr)
                .cloned()
                .ok_or_else(|| format!("`{expr}` was not captured"))
        },
    )
}

/// The step's check with the variables filled in.
fn render(check: &HttpCheck, vars: &BTreeMap<String, String>) -> Result<HttpCheck, String> {
    let mut out = check.clone();
    out.url = fill(&check.url, vars)?;
    out.body = check.body.as_deref().map(|b| fill(b, vars)).transpose()?;
    for v in out.request_headers.values_mut() {
        *v = fill(v, vars)?;
    }
    for v in out.headers.values_mut() {
        *v = fill(v, vars)?;
    }
    for v in out.json.values_mut() {
        if let serde_json::Value::String(s) = v {
            *s = fill(s, vars)?;
        }
    }
    Ok(out)
}

/// A value unique to this run: UTC time and 8 random hex digits, lowercase
/// letters and digits only, so it fits in an email address or a path.
pub fn run_id() -> String {
    let random = uuid::Uuid::new_v4().simple().to_string();
    format!(
        "{}{}",
        chrono::Utc::now().format("%Y%m%d%H%M%S"),
        &random[..8]
    )
}

/// How one step went, for the detail.
struct Done {
    name: String,
    status: Status,
    /// `201 45ms`, or why there is no answer.
    summary: String,
    /// What failed, when it did.
    problem: Option<String>,
}

impl Done {
    fn line(&self) -> String {
        format!("{} {}", self.name, self.summary)
    }
}

type Vars = Arc<Mutex<BTreeMap<String, String>>>;

/// Run one step, adding its captures to `vars`.
async fn step(client: &reqwest::Client, step: &Step, vars: &Vars) -> Done {
    let known = vars.lock().unwrap_or_else(|p| p.into_inner()).clone();
    let done = |status, summary: String, problem: Option<String>| Done {
        name: step.name.clone(),
        status,
        summary,
        problem,
    };
    let check = match render(&step.http, &known) {
        Ok(c) => c,
        Err(why) => return done(Status::Skip, format!("skipped ({why})"), None),
    };
    let seen = match http::observe(client, &check).await {
        Ok(seen) => seen,
        Err(err) => return done(Status::Error, "no answer".into(), Some(err)),
    };
    let outcome = http::judge(&check, &seen);
    let summary = format!(
        "{} {}",
        seen.fetched.status,
        duration::human(seen.fetched.latency)
    );
    if outcome.status.is_failure() {
        return done(outcome.status, summary, Some(outcome.detail));
    }
    let mut captured = BTreeMap::new();
    if !step.capture.is_empty() {
        let doc = match http::json_body(&seen.fetched) {
            Ok(doc) => doc,
            Err(err) => return done(Status::Fail, summary, Some(format!("capture: {err}"))),
        };
        for (var, path) in &step.capture {
            let value = match http::at_path(&doc, path) {
                Some(serde_json::Value::String(s)) => s.clone(),
                Some(v @ (serde_json::Value::Number(_) | serde_json::Value::Bool(_))) => {
                    v.to_string()
                }
                Some(v) => {
                    return done(
                        Status::Fail,
                        summary,
                        Some(format!(
                            "capture `{var}`: JSON `{path}` is {v}, not a scalar"
                        )),
                    );
                }
                None => {
                    return done(
                        Status::Fail,
                        summary,
                        Some(format!("capture `{var}`: JSON `{path}` missing")),
                    );
                }
            };
            captured.insert(var.clone(), value);
        }
    }
    vars.lock()
        .unwrap_or_else(|p| p.into_inner())
        .extend(captured);
    done(outcome.status, summary, None)
}

/// Run the cleanup steps, in order; none stops the others.
async fn clean(client: reqwest::Client, steps: Vec<Step>, vars: Vars) -> Vec<Done> {
    let mut done = Vec::new();
    for s in &steps {
        done.push(step(&client, s, &vars).await);
    }
    done
}

/// Runs the cleanup when the attempt is dropped before it could (a timeout):
/// registered with [`crate::cleanup`], so hctl waits for it before exiting.
struct Guard {
    armed: Option<(reqwest::Client, Vec<Step>, Vars)>,
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Some((client, steps, vars)) = self.armed.take()
            && !steps.is_empty()
        {
            crate::cleanup::spawn("the flow's cleanup steps", async move {
                clean(client, steps, vars).await;
            });
        }
    }
}

pub async fn run(check: &FlowCheck) -> Outcome {
    // One client per flow, so steps share connections; a step's own TLS
    // options (ca_file, insecure) get a client of their own.
    let tls = check
        .steps
        .first()
        .map(|s| s.http.tls())
        .unwrap_or_default();
    let client = match http::client(&tls) {
        Ok(c) => c,
        Err(err) => return Outcome::error(format!("{err:#}")),
    };
    let vars: Vars = Arc::new(Mutex::new(BTreeMap::from([(RUN_ID.to_string(), run_id())])));
    let mut guard = Guard {
        armed: Some((client.clone(), check.cleanup.clone(), vars.clone())),
    };
    let mut steps = Vec::new();
    for s in &check.steps {
        let own;
        let client = if s.http.ca_file.is_some() || s.http.insecure {
            own = match http::client(&s.http.tls()) {
                Ok(c) => c,
                Err(err) => return Outcome::error(format!("step `{}`: {err:#}", s.name)),
            };
            &own
        } else {
            &client
        };
        let done = step(client, s, &vars).await;
        let stop = done.status.is_failure();
        steps.push(done);
        if stop {
            break;
        }
    }
    guard.armed = None;
    let cleanup = clean(client, check.cleanup.clone(), vars).await;
    verdict(&steps, &cleanup, check.steps.len())
}

/// The item's outcome: the first failing step (or cleanup step) decides.
fn verdict(steps: &[Done], cleanup: &[Done], planned: usize) -> Outcome {
    let list = |done: &[Done]| done.iter().map(Done::line).collect::<Vec<_>>().join(", ");
    let mut detail = format!("steps: {}", list(steps));
    if !cleanup.is_empty() {
        detail.push_str(&format!("; cleanup: {}", list(cleanup)));
    }
    let failed = steps
        .iter()
        .map(|d| ("step", d))
        .chain(cleanup.iter().map(|d| ("cleanup step", d)))
        .find(|(_, d)| d.status.is_failure());
    match failed {
        None => Outcome::pass(format!(
            "{} of {planned} steps passed; {detail}",
            steps.len()
        )),
        Some((what, d)) => {
            let why = d.problem.as_deref().unwrap_or("failed");
            let text = format!("{what} `{}` failed: {why}; {detail}", d.name);
            if d.status == Status::Error {
                Outcome::error(text)
            } else {
                Outcome::fail(text)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flow(yaml: &str) -> Result<FlowCheck, String> {
        serde_saphyr::from_str(yaml).map_err(|e| e.to_string())
    }

    #[test]
    fn variables_must_be_captured_earlier() {
        let ok = flow(
            "base_url: http://x\nsteps:\n  - {name: a, url: /a, capture: {token: t}}\n  - {name: b, url: '/b/{{ token }}?r={{ run.id }}'}\ncleanup:\n  - {name: c, url: '/c/{{token}}'}\n",
        )
        .unwrap();
        assert_eq!(
            ok.steps[1].http.url,
            "http://x/b/{{ token }}?r={{ run.id }}"
        );
        let err = flow("steps:\n  - {name: a, url: 'http://x/{{ token }}', capture: {token: t}}\n")
            .unwrap_err();
        assert!(err.contains("step `a` uses `{{ token }}`"), "{err}");
        let err = flow("steps:\n  - {name: a, url: /a}\n").unwrap_err();
        assert!(err.contains("needs `base_url`"), "{err}");
        let err = flow("steps:\n  - {name: a, url: http://x, sttus: 200}\n").unwrap_err();
        assert!(err.contains("unknown field `sttus`"), "{err}");
        let err = flow("steps: []\n").unwrap_err();
        assert!(err.contains("at least one step"), "{err}");
    }

    #[test]
    fn fill_and_run_ids() {
        let vars = BTreeMap::from([("token".to_string(), "abc".to_string())]);
        assert_eq!(fill("Bearer {{ token }}", &vars).unwrap(), "Bearer abc");
        assert!(fill("{{ other }}", &vars).is_err());
        let (a, b) = (run_id(), run_id());
        assert_ne!(a, b);
        assert!(
            a.chars()
                .all(|c| c.is_ascii_alphanumeric() && !c.is_ascii_uppercase())
        );
    }
}
