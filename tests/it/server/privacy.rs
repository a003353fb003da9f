//! GDPR at the edges, on both backends: after `DELETE /api/me` no row of any
//! table names the person; the export carries each stored file through a
//! signed link that expires; registering a taken address answers what the
//! README promises.

use hmac::{Hmac, KeyInit, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;

use super::{App, Backend, JWT_SECRET};
use hctl::store::{Backend as StoreBackend, Db};

crate::both!(
    erasure_leaves_no_row_naming_the_person,
    export_links_fetch_each_file_until_they_expire,
    registering_a_taken_address_answers_409_naming_email,
);

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

/// Every table of the database and how many of its rows contain `needle`
/// (case-insensitive) in any column, for the tables where some do.
async fn rows_containing(db: &Db, needle: &str) -> Vec<(String, i64)> {
    let needle = needle.to_lowercase();
    let list = match db.backend() {
        StoreBackend::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'"
        }
        StoreBackend::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        }
    };
    let tables: Vec<String> =
        hctl::on_pool!(db, pool => sqlx::query_scalar(list).fetch_all(pool).await).unwrap();
    assert!(tables.len() >= 8, "{tables:?}");
    let mut found = Vec::new();
    for table in tables {
        let filter = match db {
            // A row cast to text holds every column.
            Db::Postgres(_) => "strpos(lower(t::text), $1) > 0".to_string(),
            Db::Sqlite(pool) => {
                let columns: Vec<String> =
                    sqlx::query_scalar("SELECT name FROM pragma_table_info($1)")
                        .bind(&table)
                        .fetch_all(pool)
                        .await
                        .unwrap();
                columns
                    .iter()
                    .map(|c| format!("instr(lower(CAST(\"{c}\" AS TEXT)), $1) > 0"))
                    .collect::<Vec<_>>()
                    .join(" OR ")
            }
        };
        let sql = format!("SELECT count(*) FROM \"{table}\" t WHERE {filter}");
        let n: i64 = hctl::on_pool!(db, pool => sqlx::query_scalar(sqlx::AssertSqlSafe(sql))
            .bind(&needle)
            .fetch_one(pool)
            .await)
        .unwrap();
        if n > 0 {
            found.push((table, n));
        }
    }
    found
}

async fn post(app: &App, path: &str, token: Option<&str>, body: Value) -> (StatusCode, Value) {
    app.call(Method::POST, path, token, Some(body)).await
}

async fn erasure_leaves_no_row_naming_the_person(backend: Backend) {
    let app = App::spawn(backend).await;
    let email = "grace.hopper+ht@example.com";
    let name = "Grace Hopper";
    let password = "correct horse battery";
    let (status, reg) = post(
        &app,
        "/api/auth/register",
        None,
        json!({"email": "Grace.Hopper+HT@example.com", "password": password, "displayName": name}),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{reg}");
    let id = reg["user"]["id"].as_str().unwrap().to_string();
    // Everything that writes audit rows or stores something of hers.
    let login = json!({"email": email, "password": password});
    let (status, body) = post(&app, "/api/auth/login", None, login).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let token = body["token"].as_str().unwrap().to_string();
    let wrong = json!({"email": email, "password": "not her password"});
    assert_eq!(
        post(&app, "/api/auth/login", None, wrong).await.0,
        StatusCode::UNAUTHORIZED
    );
    let taken = json!({"email": email, "password": "another long one"});
    assert_eq!(
        post(&app, "/api/auth/register", None, taken).await.0,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.get("/api/me/features", Some(&token)).await.0,
        StatusCode::OK
    );
    let entry = json!({"kind": "steps", "value": 4200, "recordedAt": "2026-03-01T08:00:00Z", "note": "walk with Grace Hopper"});
    assert_eq!(
        post(&app, "/api/entries", Some(&token), entry).await.0,
        StatusCode::CREATED
    );
    let (status, _) = app
        .call(
            Method::PUT,
            "/api/me/consents",
            Some(&token),
            Some(json!({"research": true})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    let up = app
        .upload(
            &token,
            "Grace Hopper labs.csv",
            "text/csv",
            b"date,ldl\n".to_vec(),
        )
        .await
        .unwrap();
    assert_eq!(up.status(), StatusCode::CREATED);
    assert_eq!(
        app.get("/api/me/export", Some(&token)).await.0,
        StatusCode::OK
    );

    let db = app.db().await;
    // The scan finds her while the account exists (so it can fail).
    let before = rows_containing(&db, email).await;
    assert!(before.iter().any(|(t, _)| t == "users"), "{before:?}");
    let before = rows_containing(&db, name).await;
    for table in ["users", "entries", "files"] {
        assert!(
            before.iter().any(|(t, _)| t == table),
            "{table}: {before:?}"
        );
    }

    assert_eq!(
        app.call(Method::DELETE, "/api/me", Some(&token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(rows_containing(&db, email).await, [], "her email");
    assert_eq!(rows_containing(&db, name).await, [], "her name");
    // The security history stays, under her pseudonymous id only.
    let subject = format!("user:{id}");
    let actions: Vec<String> = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT action FROM audit_log WHERE actor = $1 OR target = $1 ORDER BY id")
        .bind(&subject)
        .fetch_all(pool)
        .await)
    .unwrap();
    for action in [
        "auth.register",
        "auth.login",
        "auth.login.failed",
        "auth.register.conflict",
        "consent.update",
        "file.upload",
        "account.export",
        "account.erase",
    ] {
        assert!(actions.iter().any(|a| a == action), "{action}: {actions:?}");
    }
    // A failed login for an address with no account names a keyed hash.
    let nobody = json!({"email": "nobody@example.com", "password": "whatever whatever"});
    post(&app, "/api/auth/login", None, nobody).await;
    assert_eq!(rows_containing(&db, "nobody@example.com").await, []);
    let target: String = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT target FROM audit_log ORDER BY id DESC LIMIT 1")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert!(
        target.starts_with("email:") && target.len() == 38,
        "{target}"
    );
    let stored = walk(app.uploads());
    assert!(stored.is_empty(), "stored files left: {stored:?}");
}

/// Every file under `dir`.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A link signed the way the README documents, with any expiry.
fn signed(owner: &str, file: &str, expires: i64) -> String {
    let mut mac = <Hmac<Sha256> as KeyInit>::new_from_slice(JWT_SECRET.as_bytes()).unwrap();
    mac.update(b"file-link\0");
    mac.update(uuid::Uuid::parse_str(owner).unwrap().as_bytes());
    mac.update(uuid::Uuid::parse_str(file).unwrap().as_bytes());
    mac.update(&expires.to_be_bytes());
    let sig = hex::encode(mac.finalize().into_bytes());
    format!("/api/files/{file}?expires={expires}&sig={sig}")
}

async fn fetch(app: &App, url: &str) -> (StatusCode, Vec<u8>, String) {
    let resp = app.http.get(app.url(url)).send().await.unwrap();
    let status = resp.status();
    let ctype = resp
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_string())
        .unwrap_or_default();
    (status, resp.bytes().await.unwrap().to_vec(), ctype)
}

async fn export_links_fetch_each_file_until_they_expire(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, owner) = app.register("export-links@example.com").await;
    let csv = b"date,steps\n2026-03-01,4200\n".to_vec();
    let sent = [
        ("steps.csv", "application/octet-stream", csv, "text/csv"),
        ("scan.png", "image/png", PNG.to_vec(), "image/png"),
    ];
    for (name, ctype, bytes, _) in &sent {
        let up = app
            .upload(&token, name, ctype, bytes.clone())
            .await
            .unwrap();
        assert_eq!(up.status(), StatusCode::CREATED);
    }
    let (status, export) = app.get("/api/me/export", Some(&token)).await;
    assert_eq!(status, StatusCode::OK, "{export}");
    let files = export["files"].as_array().unwrap();
    assert_eq!(files.len(), 2, "{export}");
    let now = chrono::Utc::now();
    for (name, _, bytes, detected) in &sent {
        let file = files.iter().find(|f| f["name"] == *name).expect(name);
        assert_eq!(file["contentType"], *detected);
        let expires: chrono::DateTime<chrono::Utc> =
            file["downloadExpiresAt"].as_str().unwrap().parse().unwrap();
        let left = (expires - now).num_seconds();
        assert!((14 * 60..=15 * 60).contains(&left), "{left}s");
        let url = file["downloadUrl"].as_str().unwrap();
        // No token: the link is the credential.
        let resp = app.http.get(app.url(url)).send().await.unwrap();
        assert_eq!(resp.status(), StatusCode::OK, "{url}");
        assert_eq!(resp.headers()["content-type"], *detected);
        assert_eq!(resp.headers()["cache-control"], "no-store");
        assert_eq!(resp.bytes().await.unwrap().to_vec(), *bytes, "{name}");
    }
    let first = files[0]["downloadUrl"].as_str().unwrap();
    let second = files[1]["downloadUrl"].as_str().unwrap();
    let id = files[0]["id"].as_str().unwrap();
    let (path, query) = first.split_once('?').unwrap();
    let mut forged = first.to_string();
    let last = forged.pop().unwrap();
    forged.push(if last == '0' { '1' } else { '0' });
    let second_query = second.split_once('?').unwrap().1;
    let expires: i64 = query
        .split('&')
        .find_map(|p| p.strip_prefix("expires="))
        .unwrap()
        .parse()
        .unwrap();
    let sig = query.split_once("&sig=").unwrap().1;
    for (what, url) in [
        ("a changed signature", forged),
        ("another file's signature", format!("{path}?{second_query}")),
        (
            "a later expiry",
            format!("{path}?expires={}&sig={sig}", expires + 60),
        ),
        ("no expiry", format!("{path}?sig={sig}")),
        (
            "a link to a file that does not exist",
            format!("/api/files/{}?{query}", uuid::Uuid::now_v7()),
        ),
        (
            "a link signed for too long",
            signed(&owner, id, now.timestamp() + 86_400),
        ),
    ] {
        let (status, body, _) = fetch(&app, &url).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{what}");
        let body: Value = serde_json::from_slice(&body).unwrap();
        assert_eq!(body["error"]["code"], "forbidden", "{what}");
    }
    // Signed as documented: works while fresh, refused once expired.
    let fresh = signed(&owner, id, now.timestamp() + 60);
    assert_eq!(fetch(&app, &fresh).await.0, StatusCode::OK);
    let (status, body, _) = fetch(&app, &signed(&owner, id, now.timestamp() - 1)).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert!(String::from_utf8_lossy(&body).contains("expired"));
    assert_eq!(
        fetch(&app, path).await.0,
        StatusCode::UNAUTHORIZED,
        "no token, no link"
    );
    // Downloads through links are audited under the owner's id.
    let db = app.db().await;
    let by_link: i64 = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT count(*) FROM audit_log WHERE action = 'file.download.link' AND target = $1")
        .bind(format!("user:{owner}"))
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(by_link, 3);
    // Erasure kills the links.
    assert_eq!(
        app.call(Method::DELETE, "/api/me", Some(&token), None)
            .await
            .0,
        StatusCode::NO_CONTENT
    );
    assert_eq!(fetch(&app, first).await.0, StatusCode::FORBIDDEN);
}

async fn registering_a_taken_address_answers_409_naming_email(backend: Backend) {
    let app = App::spawn(backend).await;
    let (_, id) = app.register("taken@example.com").await;
    let again = json!({"email": " Taken@Example.com", "password": "another long one"});
    let (status, body) = post(&app, "/api/auth/register", None, again).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(
        body,
        json!({"error": {"code": "conflict", "field": "email", "message": "an account with this email already exists"}})
    );
    // The account is untouched: its password still works, the new one does not.
    for (password, expected) in [
        ("correct horse battery", StatusCode::OK),
        ("another long one", StatusCode::UNAUTHORIZED),
    ] {
        let login = json!({"email": "taken@example.com", "password": password});
        assert_eq!(post(&app, "/api/auth/login", None, login).await.0, expected);
    }
    // Each probe is on record, with the pseudonymous id of the account.
    let db = app.db().await;
    let target: String = hctl::on_pool!(&db, pool => sqlx::query_scalar("SELECT target FROM audit_log WHERE action = 'auth.register.conflict'")
        .fetch_one(pool)
        .await)
    .unwrap();
    assert_eq!(target, format!("user:{id}"));
    // The per-IP limit bounds how many addresses one client can probe.
    let limited = App::spawn_with(backend, |s| s.rate_limit_ip = 2).await;
    let mut statuses = Vec::new();
    for i in 0..3 {
        let probe =
            json!({"email": format!("probe{i}@example.com"), "password": "correct horse battery"});
        statuses.push(post(&limited, "/api/auth/register", None, probe).await.0);
    }
    assert_eq!(statuses[2], StatusCode::TOO_MANY_REQUESTS, "{statuses:?}");
}
