//! Uploads are typed by their content, on both backends: the declared type
//! is a claim the bytes must bear out, and the stored type is the detected one.

use reqwest::StatusCode;
use serde_json::Value;

use super::{App, Backend};

crate::both!(uploads_are_typed_by_their_content);

/// A 1×1 PNG.
const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89\0\0\0\rIDATx\x9cc\xf8\xff\xff?\0\x05\xfe\x02\xfe\xa7\x35\x81\x84\0\0\0\0IEND\xaeB`\x82";

async fn uploads_are_typed_by_their_content(backend: Backend) {
    let app = App::spawn(backend).await;
    let (token, _) = app.register("sniff@example.com").await;
    let send = |name: &'static str, ctype: &'static str, bytes: Vec<u8>| {
        let up = app.upload(&token, name, ctype, bytes);
        async move {
            let resp = up.await.unwrap();
            let status = resp.status();
            let body: Value = resp.json().await.unwrap();
            (status, body)
        }
    };
    let csv = "date,steps,note\n2026-03-01,4200,Spaziergang mit Jürgen\n".as_bytes();

    // Accepted, typed by what the bytes are.
    for (name, declared, bytes, detected) in [
        ("steps.csv", "application/octet-stream", csv, "text/csv"),
        ("steps.csv", "application/vnd.ms-excel", csv, "text/csv"),
        ("scan.png", "image/png", PNG, "image/png"),
        ("scan.png", "application/octet-stream", PNG, "image/png"),
        (
            "day.json",
            "application/octet-stream",
            b"{\"steps\": 4200}".as_slice(),
            "application/json",
        ),
    ] {
        let (status, meta) = send(name, declared, bytes.to_vec()).await;
        assert_eq!(status, StatusCode::CREATED, "{declared} {name}: {meta}");
        assert_eq!(meta["contentType"], detected, "{declared} {name}");
        let path = format!("/api/files/{}", meta["id"].as_str().unwrap());
        let got = app
            .http
            .get(app.url(&path))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(got.headers()["content-type"], detected);
        assert_eq!(got.bytes().await.unwrap().to_vec(), bytes);
    }

    // Refused with 415 naming what the file really is.
    let elf = std::fs::read(std::env::current_exe().unwrap()).unwrap();
    let elf = elf[..64 * 1024].to_vec();
    for (name, declared, bytes, says) in [
        (
            "steps.csv",
            "text/csv",
            elf.clone(),
            "an ELF executable (`application/x-executable`)",
        ),
        (
            "steps.csv",
            "application/octet-stream",
            elf,
            "an ELF executable",
        ),
        (
            "scan.png",
            "image/png",
            csv.to_vec(),
            "declared `image/png` but is text (`text/csv`)",
        ),
        (
            "steps.csv",
            "text/csv",
            PNG.to_vec(),
            "declared `text/csv` but is a PNG image (`image/png`)",
        ),
        (
            "a.zip",
            "application/zip",
            b"PK\x03\x04\x14\0\0\0\x08\0".to_vec(),
            "a zip archive (`application/zip`)",
        ),
        (
            "page.html",
            "text/html",
            b"<p>hi</p>".to_vec(),
            "`text/html` is not accepted",
        ),
    ] {
        let (status, body) = send(name, declared, bytes).await;
        assert_eq!(
            status,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "{declared} {name}: {body}"
        );
        assert_eq!(body["error"]["code"], "unsupported_media_type");
        let message = body["error"]["message"].as_str().unwrap();
        assert!(message.contains(says), "{message}");
    }
    let (status, body) = send("day.json", "application/json", b"{\"steps\": ".to_vec()).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(body["error"]["field"], "file");

    // Only the accepted uploads were stored.
    let (_, listed) = app.get("/api/files", Some(&token)).await;
    assert_eq!(listed.as_array().unwrap().len(), 5, "{listed}");
}
