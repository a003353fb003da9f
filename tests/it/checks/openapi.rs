//! The `openapi` kind: against a real `hctl serve` every parameterless GET
//! of its document answers as documented; against a peer whose answers
//! disagree with its document, the check fails naming each operation.

use hctl::report::Status;

use super::peers::{self, Behaviour};
use super::{deps, once, one_line, shipped_check};
use crate::server::{App, Backend};

#[tokio::test]
async fn hctl_serve_answers_every_operation_as_documented() {
    hctl::init_crypto();
    let app = App::spawn(Backend::Sqlite).await;
    let check = shipped_check("post-launch.yaml", "api-endpoints", &app.base);
    let o = hctl::checks::run(&check, &deps()).await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    one_line(&o);
    assert!(
        o.detail.contains("operations answered as documented"),
        "{o:?}"
    );
    let called: usize = o.detail.split(' ').next().unwrap().parse().unwrap();
    assert!(called >= 10, "{o:?}");
    // Signed in, the same operations answer their successes: still documented.
    let (_, body) = app
        .call(
            reqwest::Method::POST,
            "/api/auth/register",
            None,
            Some(serde_json::json!({"email": "openapi@example.com", "password": "long-enough-pw"})),
        )
        .await;
    let token = body["token"].as_str().expect("registered");
    let o = once(&format!(
        "kind: openapi\nurl: {}\nrequest_headers: {{ authorization: 'Bearer {token}' }}\n",
        app.base
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
}

const DOC: &str = r#"{"openapi":"3.0.3","paths":{
  "/api/ok":{"get":{"responses":{"200":{}}}},
  "/api/gone":{"get":{"responses":{"200":{},"401":{}}}},
  "/api/crash":{"get":{"responses":{"default":{}}}},
  "/api/ranged":{"get":{"responses":{"2XX":{}}},"post":{"responses":{"201":{}}}},
  "/api/items/{id}":{"get":{"responses":{"200":{}}}}
}}"#;

#[tokio::test]
async fn answers_outside_the_documented_set_fail() {
    let status = |code| peers::with_headers(code, &[]);
    let addr = peers::http(Behaviour::Routes(vec![
        ("GET /api/openapi.json", peers::ok_json(DOC)),
        ("GET /api/ok", status(200)),
        ("GET /api/crash", status(500)),
        ("GET /api/ranged", status(204)),
        ("POST /api/ranged", status(418)),
    ]));
    let o = once(&format!("kind: openapi\nurl: http://{addr}\n")).await;
    assert_eq!(o.status, Status::Fail, "{o:?}");
    one_line(&o);
    assert_eq!(
        o.detail,
        "GET /api/crash answered 500; GET /api/gone answered 404, not in its documented statuses (200, 401)"
    );
    let o = once(&format!(
        "kind: openapi\nurl: http://{addr}\nmethods: [GET, POST]\nexclude: [/api/crash, /api/gone]\n"
    ))
    .await;
    assert_eq!(
        o.detail,
        "POST /api/ranged answered 418, not in its documented statuses (201)"
    );
    let o = once(&format!(
        "kind: openapi\nurl: http://{addr}\nexclude: [/api/crash, /api/gone]\n"
    ))
    .await;
    assert_eq!(o.status, Status::Pass, "{o:?}");
    assert_eq!(
        o.detail,
        "2 operations answered as documented (1 with path parameters not called)"
    );
}
