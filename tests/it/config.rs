//! Configuration end to end: layers, provenance, redaction, validation.

use crate::support::Sandbox;

const CONFIG: &str = "\
default_env: local
environments:
  local:
    url: http://127.0.0.1:8080
  production:
    url: https://healthtracker.com
    database_url: ${PROD_DATABASE_URL}
    kube: { namespace: ht-prod }
";

#[test]
fn show_reports_values_sources_and_redacts_secrets() {
    let sb = Sandbox::new();
    sb.write("hctl.yaml", CONFIG);
    let run = sb.run_with(
        &[
            "--env",
            "production",
            "config",
            "show",
            "-o",
            "json",
            "--set",
            "kube.deployment=api",
        ],
        &[
            (
                "PROD_DATABASE_URL",
                "postgres://app:s3cret-pw@db.internal:5432/ht",
            ),
            ("HCTL_S3_REGION", "eu-west-1"),
        ],
    );
    run.code(0);
    // The password is redacted.
    run.assert_stdout_lacks("s3cret-pw");
    let doc: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(doc["environment"], "production");
    let value = |key: &str| {
        doc["values"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["key"] == key)
            .cloned()
            .unwrap_or_else(|| panic!("{key} missing"))
    };
    assert_eq!(
        value("database_url")["value"],
        "postgres://app:***@db.internal:5432/ht"
    );
    assert_eq!(value("database_url")["source"]["layer"], "file");
    assert_eq!(value("database_url")["source"]["line"], 7);
    assert_eq!(value("kube.namespace")["value"], "ht-prod");
    assert_eq!(value("s3.region")["source"]["var"], "HCTL_S3_REGION");
    assert_eq!(value("kube.deployment")["source"]["layer"], "flag");
    assert_eq!(value("kube.manifests")["source"]["layer"], "default");
}

#[test]
fn env_var_selects_environment_and_flag_wins() {
    let sb = Sandbox::new();
    sb.write("hctl.yaml", CONFIG);
    let envs = [
        ("HCTL_ENV", "production"),
        ("PROD_DATABASE_URL", "postgres://db/x"),
    ];
    let run = sb.run_with(&["config", "show"], &envs);
    run.code(0).assert_stdout_has("environment: production");
    let run = sb.run_with(&["--env", "local", "config", "show"], &envs);
    run.assert_stdout_has("environment: local");
}

#[test]
fn missing_variable_unknown_env_and_missing_file_exit_2() {
    let sb = Sandbox::new();
    sb.write("hctl.yaml", CONFIG);
    let run = sb.run(&["--env", "production", "config", "show"]);
    run.code(2).assert_stderr_has("PROD_DATABASE_URL");
    run.assert_stderr_has("hctl.yaml:7:19");

    let run = sb.run(&["--env", "staging", "config", "show"]);
    run.code(2)
        .assert_stderr_has("unknown environment `staging`");
    run.assert_stderr_has("local, production");

    let run = sb.run(&["--config", "nope.yaml", "config", "show"]);
    run.code(2).assert_stderr_has("nope.yaml");
}

#[test]
fn no_config_file_runs_on_builtin_local_defaults() {
    let sb = Sandbox::new();
    let run = sb.run(&["config", "show"]);
    run.code(0).assert_stdout_has("sqlite://healthtracker.db");
    run.assert_stdout_has("config file: none");
}

#[test]
fn validate_names_file_line_and_column() {
    let sb = Sandbox::new();
    sb.write(
        "hctl.yaml",
        "environments:\n  local:\n    url: http://x\n    kube:\n      namespce: ht\n",
    );
    let run = sb.run(&["config", "validate"]);
    run.code(2).assert_stdout_has("hctl.yaml:5:7");
    run.assert_stdout_has("unknown field `namespce`");
    // The same broken file stops any command that needs configuration, with exit 2.
    let run = sb.run(&["config", "show"]);
    run.code(2).assert_stderr_has("hctl.yaml:5:7");
}

#[test]
fn validate_passes_good_file_and_renders_junit() {
    let sb = Sandbox::new();
    sb.write("hctl.yaml", CONFIG);
    let run = sb.run(&["config", "validate", "-o", "junit"]);
    run.code(0)
        .assert_stdout_has("<testcase name=\"hctl.yaml\"");
    // The unset production variable is a warning, not a failure.
    run.assert_stdout_has("WARN: ");
    run.assert_stdout_lacks("<failure");
}

#[test]
fn bad_input_never_panics() {
    let sb = Sandbox::new();
    for text in [
        "\u{0}\u{1}",
        "[",
        "environments: 3",
        "a: &a [*a]",
        "environments:\n  local:\n    url: 5\n",
        "---\n---\n",
    ] {
        sb.write("hctl.yaml", text);
        let run = sb.run(&["config", "show"]);
        assert!(!run.stderr.contains("panicked"), "{text:?}: {}", run.stderr);
        assert!(run.code == 2 || run.code == 0, "{text:?}: {run:?}");
    }
}
