//! What an upload is, decided by its bytes: magic numbers for binary formats,
//! UTF-8 text without NUL bytes for CSV and JSON. The type a client declares
//! (the multipart part's `Content-Type`) is only a claim checked against the
//! content; the type stored and served back is the detected one.

use super::super::error::ApiError;

/// The types an upload may have, as stored and served.
pub const ACCEPTED: &[&str] = &[
    "image/png",
    "image/jpeg",
    "application/pdf",
    "text/csv",
    "application/json",
];

/// A binary format recognised by its leading bytes: its media type and what
/// a person calls it.
struct Signature {
    offset: usize,
    magic: &'static [u8],
    mime: &'static str,
    what: &'static str,
}

const fn sig(magic: &'static [u8], mime: &'static str, what: &'static str) -> Signature {
    Signature {
        offset: 0,
        magic,
        mime,
        what,
    }
}

/// Signatures that plain text cannot start with by accident (checked before
/// the text test). The accepted formats first, then common ones that are
/// refused by name, so the message says what the file really is.
const STRONG: &[Signature] = &[
    sig(b"\x89PNG\r\n\x1a\n", "image/png", "a PNG image"),
    sig(b"\xff\xd8\xff", "image/jpeg", "a JPEG image"),
    sig(b"%PDF-", "application/pdf", "a PDF document"),
    sig(b"\x7fELF", "application/x-executable", "an ELF executable"),
    sig(
        b"\xcf\xfa\xed\xfe",
        "application/x-mach-binary",
        "a Mach-O executable",
    ),
    sig(
        b"\xce\xfa\xed\xfe",
        "application/x-mach-binary",
        "a Mach-O executable",
    ),
    sig(
        b"\xca\xfe\xba\xbe",
        "application/x-mach-binary",
        "a Mach-O universal binary or Java class",
    ),
    sig(b"\x00asm", "application/wasm", "a WebAssembly module"),
    sig(b"PK\x03\x04", "application/zip", "a zip archive"),
    sig(b"PK\x05\x06", "application/zip", "a zip archive"),
    sig(b"\x1f\x8b", "application/gzip", "a gzip archive"),
    sig(b"\xfd7zXZ\x00", "application/x-xz", "an xz archive"),
    sig(b"\x28\xb5\x2f\xfd", "application/zstd", "a zstd archive"),
    sig(
        b"7z\xbc\xaf\x27\x1c",
        "application/x-7z-compressed",
        "a 7-Zip archive",
    ),
    sig(b"Rar!\x1a\x07", "application/vnd.rar", "a RAR archive"),
    sig(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",
        "application/x-ole-storage",
        "an old Microsoft Office document",
    ),
    sig(
        b"SQLite format 3\x00",
        "application/vnd.sqlite3",
        "an SQLite database",
    ),
    sig(b"GIF87a", "image/gif", "a GIF image"),
    sig(b"GIF89a", "image/gif", "a GIF image"),
    sig(b"II*\x00", "image/tiff", "a TIFF image"),
    sig(b"MM\x00*", "image/tiff", "a TIFF image"),
    Signature {
        offset: 8,
        magic: b"WEBP",
        mime: "image/webp",
        what: "a WebP image",
    },
    Signature {
        offset: 4,
        magic: b"ftypheic",
        mime: "image/heic",
        what: "a HEIC image",
    },
    Signature {
        offset: 4,
        magic: b"ftypmif1",
        mime: "image/heic",
        what: "a HEIC image",
    },
    Signature {
        offset: 4,
        magic: b"ftyp",
        mime: "video/mp4",
        what: "an MP4/QuickTime file",
    },
    sig(
        b"\xff\xfe",
        "text/plain; charset=utf-16",
        "UTF-16 text (save it as UTF-8)",
    ),
    sig(
        b"\xfe\xff",
        "text/plain; charset=utf-16",
        "UTF-16 text (save it as UTF-8)",
    ),
];

/// Signatures short or printable enough to begin a text file: they count
/// only when the content is not text.
const WEAK: &[Signature] = &[
    sig(
        b"MZ",
        "application/vnd.microsoft.portable-executable",
        "a Windows executable",
    ),
    sig(b"BM", "image/bmp", "a BMP image"),
    sig(b"BZh", "application/x-bzip2", "a bzip2 archive"),
];

/// What the content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Content {
    Binary {
        mime: &'static str,
        what: &'static str,
    },
    /// UTF-8 without NUL bytes.
    Text,
}

fn matches(s: &Signature, data: &[u8]) -> bool {
    data.get(s.offset..).is_some_and(|d| d.starts_with(s.magic))
}

fn sniff(data: &[u8]) -> Content {
    let binary = |s: &Signature| Content::Binary {
        mime: s.mime,
        what: s.what,
    };
    if let Some(s) = STRONG.iter().find(|s| matches(s, data)) {
        return binary(s);
    }
    if !data.contains(&0) && std::str::from_utf8(data).is_ok() {
        return Content::Text;
    }
    WEAK.iter().find(|s| matches(s, data)).map_or(
        Content::Binary {
            mime: "application/octet-stream",
            what: "binary data of no accepted format",
        },
        binary,
    )
}

/// Text that is a JSON document (an object or an array, optionally after a
/// UTF-8 byte order mark).
fn is_json(data: &[u8]) -> bool {
    let data = data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data);
    let start = data.trim_ascii_start();
    (start.starts_with(b"{") || start.starts_with(b"["))
        && serde_json::from_slice::<serde::de::IgnoredAny>(data).is_ok()
}

/// Declared types that claim nothing about the content: the server decides.
const UNSPECIFIC: &[&str] = &["", "application/octet-stream", "binary/octet-stream"];

/// Names clients use for each accepted type. Browsers on Windows send
/// `application/vnd.ms-excel` for a `.csv` when Excel is installed, and
/// `text/plain` is what many send for any text file.
const ALIASES: &[(&str, &[&str])] = &[
    ("image/png", &["image/png", "image/x-png"]),
    ("image/jpeg", &["image/jpeg", "image/jpg", "image/pjpeg"]),
    ("application/pdf", &["application/pdf", "application/x-pdf"]),
    (
        "text/csv",
        &[
            "text/csv",
            "application/csv",
            "text/x-csv",
            "text/comma-separated-values",
            "application/vnd.ms-excel",
            "text/plain",
        ],
    ),
    ("application/json", &["application/json", "text/json"]),
];

fn aliases_of(declared: &str) -> Option<&'static str> {
    ALIASES
        .iter()
        .find(|(_, names)| names.contains(&declared))
        .map(|(mime, _)| *mime)
}

const WHAT_TO_DO: &str =
    "send the file's real type, or `application/octet-stream` to let the server decide";

/// The type to store for an upload declared as `declared` (the part's
/// `Content-Type`, parameters allowed) with content `data`: 415 naming the
/// detected type when that type is not accepted or contradicts the declared
/// one, 422 when declared JSON does not parse.
pub fn classify(declared: Option<&str>, data: &[u8]) -> Result<&'static str, ApiError> {
    let declared = declared
        .unwrap_or("")
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    let unspecific = UNSPECIFIC.contains(&declared.as_str());
    let claimed = aliases_of(&declared);
    let accepted = ACCEPTED.join(", ");
    match sniff(data) {
        Content::Binary { mime, what } if !ACCEPTED.contains(&mime) => {
            Err(ApiError::UnsupportedMediaType(format!(
                "the file is {what} (`{mime}`), which is not accepted: upload one of {accepted}"
            )))
        }
        Content::Binary { mime, .. } if unspecific || claimed == Some(mime) => Ok(mime),
        Content::Binary { mime, what } => Err(ApiError::UnsupportedMediaType(format!(
            "the file is declared `{declared}` but is {what} (`{mime}`): {WHAT_TO_DO}"
        ))),
        Content::Text => match claimed {
            Some("application/json") if is_json(data) => Ok("application/json"),
            Some("application/json") => Err(ApiError::invalid(
                "file",
                "the file is declared `application/json` but is not a JSON object or array: fix the JSON, or upload it as `text/csv`",
            )),
            // Any text is a CSV of at least one column; what the client
            // calls plain text is JSON when it parses as JSON.
            Some("text/csv") if declared != "text/plain" => Ok("text/csv"),
            Some("text/csv") => Ok(text_kind(data)),
            _ if unspecific => Ok(text_kind(data)),
            _ if claimed.is_some() || declared.starts_with("image/") => {
                Err(ApiError::UnsupportedMediaType(format!(
                    "the file is declared `{declared}` but is text (`{}`): {WHAT_TO_DO}",
                    text_kind(data)
                )))
            }
            _ => Err(ApiError::UnsupportedMediaType(format!(
                "file type `{declared}` is not accepted: upload one of {accepted} (text is stored as text/csv or application/json)"
            ))),
        },
    }
}

fn text_kind(data: &[u8]) -> &'static str {
    if is_json(data) {
        "application/json"
    } else {
        "text/csv"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
    const ELF: &[u8] = b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0";

    fn status(r: Result<&str, ApiError>) -> u16 {
        r.map_or_else(|e| e.status().as_u16(), |_| 200)
    }

    #[test]
    fn the_content_decides_the_type() {
        assert_eq!(classify(Some("image/png"), PNG).unwrap(), "image/png");
        assert_eq!(classify(None, PNG).unwrap(), "image/png");
        assert_eq!(
            classify(Some("application/octet-stream"), b"a,b\n1,2\n").unwrap(),
            "text/csv"
        );
        assert_eq!(
            classify(Some("application/octet-stream"), b"{\"a\": [1, 2]}").unwrap(),
            "application/json"
        );
        assert_eq!(
            classify(Some("text/plain; charset=utf-8"), b"\xef\xbb\xbf[1]").unwrap(),
            "application/json"
        );
        assert_eq!(
            classify(Some("application/vnd.ms-excel"), "päivä,steps\n".as_bytes()).unwrap(),
            "text/csv"
        );
        // Declared CSV stays CSV even when it also parses as JSON.
        assert_eq!(classify(Some("text/csv"), b"[1]").unwrap(), "text/csv");
        assert_eq!(
            classify(Some("IMAGE/JPG"), b"\xff\xd8\xff\xe0").unwrap(),
            "image/jpeg"
        );
    }

    #[test]
    fn refusals_name_what_the_file_is() {
        let err = classify(Some("text/csv"), ELF).unwrap_err();
        assert_eq!(err.status().as_u16(), 415);
        assert!(
            err.to_string()
                .contains("an ELF executable (`application/x-executable`)"),
            "{err}"
        );
        let err = classify(Some("image/png"), b"a,b\n").unwrap_err();
        assert_eq!(err.status().as_u16(), 415);
        assert!(
            err.to_string()
                .contains("declared `image/png` but is text (`text/csv`)"),
            "{err}"
        );
        let err = classify(Some("text/csv"), PNG).unwrap_err();
        assert!(
            err.to_string().contains("a PNG image (`image/png`)"),
            "{err}"
        );
        let err = classify(Some("image/png"), b"GIF89a\x01\0").unwrap_err();
        assert!(err.to_string().contains("`image/gif`"), "{err}");
        let err = classify(Some("application/octet-stream"), b"PK\x03\x04rest").unwrap_err();
        assert!(err.to_string().contains("a zip archive"), "{err}");
        let err = classify(None, b"MZ\x90\0\x03\0").unwrap_err();
        assert!(err.to_string().contains("a Windows executable"), "{err}");
        let err = classify(None, b"\xff\xfea\0,\0").unwrap_err();
        assert!(err.to_string().contains("UTF-16 text"), "{err}");
        assert_eq!(status(classify(Some("text/html"), b"<p>hi</p>")), 415);
        assert_eq!(status(classify(Some("application/json"), b"a,b\n")), 422);
        assert_eq!(status(classify(Some("application/json"), b"{\"a\":")), 422);
        // NUL bytes or invalid UTF-8 are not text.
        assert_eq!(status(classify(Some("text/csv"), b"a,b\0\n")), 415);
        assert_eq!(status(classify(Some("text/csv"), b"a,\xff\n")), 415);
    }

    #[test]
    fn weak_signatures_do_not_shadow_text() {
        assert_eq!(classify(None, b"MZ,BM,BZh\n1,2,3\n").unwrap(), "text/csv");
    }
}
