//! What the Observatory reads from an HTML page: `<meta http-equiv>` and
//! `<meta name="referrer">` (policies set in the page rather than in headers)
//! and the `<script>` elements the Subresource Integrity test looks at. The
//! page is tokenized with html5ever, the same HTML parsing algorithm the
//! Observatory's jsdom follows.

use std::cell::RefCell;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

/// One element's attributes, names lowercased, first occurrence only.
pub type Attrs = Vec<(String, String)>;

/// The elements of a page the Observatory looks at, in document order.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Page {
    pub metas: Vec<Attrs>,
    pub scripts: Vec<Attrs>,
}

/// The value of attribute `name`, if present.
pub fn attr<'a>(attrs: &'a Attrs, name: &str) -> Option<&'a str> {
    attrs
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

struct Sink(RefCell<Page>);

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let attrs = || -> Attrs {
            tag.attrs
                .iter()
                .map(|a| (a.name.local.to_string(), a.value.to_string()))
                .collect()
        };
        // The tree builder switches the tokenizer into these states; without
        // it, the sink does (so `<script>` text is never read as markup).
        match &*tag.name {
            "meta" => self.0.borrow_mut().metas.push(attrs()),
            "script" => {
                self.0.borrow_mut().scripts.push(attrs());
                if !tag.self_closing {
                    return TokenSinkResult::RawData(RawKind::ScriptData);
                }
            }
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                return TokenSinkResult::RawData(RawKind::Rawtext);
            }
            "title" | "textarea" => return TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => return TokenSinkResult::Plaintext,
            _ => {}
        }
        TokenSinkResult::Continue
    }
}

/// Tokenize `html` and collect its `<meta>` and `<script>` elements.
pub fn scan(html: &str) -> Page {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(
        Sink(RefCell::new(Page::default())),
        TokenizerOpts::default(),
    );
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.0.take()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metas_and_scripts_but_not_markup_inside_scripts() {
        let page = scan(concat!(
            "<!doctype html><html><head>",
            "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'self'\">",
            "<meta name=referrer content=no-referrer>",
            "<script src=\"https://cdn.example.com/a.js\" integrity=\"sha384-x\"></script>",
            "<script>document.write('<script src=x.js></script>')</script>",
            "</head><body><textarea><meta name=x></textarea></body></html>"
        ));
        assert_eq!(page.metas.len(), 2, "{page:?}");
        assert_eq!(
            attr(&page.metas[0], "http-equiv"),
            Some("Content-Security-Policy")
        );
        assert_eq!(attr(&page.metas[1], "content"), Some("no-referrer"));
        assert_eq!(page.scripts.len(), 2, "{page:?}");
        assert_eq!(attr(&page.scripts[0], "integrity"), Some("sha384-x"));
        assert_eq!(attr(&page.scripts[1], "src"), None);
    }
}
