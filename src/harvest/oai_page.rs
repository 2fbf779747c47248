//! One OAI-PMH `ListRecords` response, split into its records with one
//! streaming pass (quick-xml, no DOCTYPE, depth bounded). Each record is
//! written as its own small, valid one-record `ListRecords` document (the
//! response's own root, `responseDate`, `request` and `ListRecords` tags around
//! the record's bytes, unchanged), so the `oai_datacite` reader in
//! `ingest::records` reads a harvested file as it reads a dump.

use std::ops::Range;

use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;

/// Deepest nesting accepted (as the record readers).
const MAX_DEPTH: usize = 64;

/// An OAI-PMH `<error>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    pub code: String,
    pub message: String,
}

/// One record of a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PageRecord {
    pub identifier: Option<String>,
    pub datestamp: Option<String>,
    /// `<header status="deleted">`.
    pub deleted: bool,
    /// The `<record>` element's bytes in the page.
    span: Range<usize>,
}

/// A parsed page, borrowing the response's bytes.
#[derive(Debug)]
pub struct Page<'a> {
    bytes: &'a [u8],
    pub response_date: Option<String>,
    pub errors: Vec<OaiError>,
    pub records: Vec<PageRecord>,
    /// The resumption token, when there are more pages (an empty one ends the list).
    pub token: Option<String>,
    /// `completeListSize`, when the server says it.
    pub complete_size: Option<u64>,
    /// Raw spans of the root start tag, `<responseDate>`, `<request>` and the
    /// `<ListRecords>` start tag, with the root's and the list's qualified names.
    root: Option<(Range<usize>, String)>,
    response_date_span: Option<Range<usize>>,
    request_span: Option<Range<usize>>,
    list: Option<(Range<usize>, String)>,
}

/// Where the parser is: the local names from the root down.
fn at(stack: &[Vec<u8>], path: &[&str]) -> bool {
    stack.len() == path.len() && stack.iter().zip(path).all(|(a, b)| a == b.as_bytes())
}

impl<'a> Page<'a> {
    /// Parses a response; the error says why it is no OAI-PMH response.
    pub fn parse(bytes: &'a [u8]) -> Result<Page<'a>, String> {
        let mut page = Page {
            bytes,
            response_date: None,
            errors: Vec::new(),
            records: Vec::new(),
            token: None,
            complete_size: None,
            root: None,
            response_date_span: None,
            request_span: None,
            list: None,
        };
        let mut reader = Reader::from_reader(bytes);
        reader.config_mut().check_end_names = true;
        let mut stack: Vec<Vec<u8>> = Vec::new();
        // Starts of the elements open now, by depth.
        let mut starts: Vec<usize> = Vec::new();
        let mut text = String::new();
        let mut record: Option<PageRecord> = None;
        let mut error_code = String::new();
        loop {
            let before = position(&reader);
            let event = reader
                .read_event()
                .map_err(|e| format!("XML error at byte {}: {e}", reader.error_position()))?;
            let after = position(&reader);
            match event {
                Event::Start(start) => {
                    if stack.len() >= MAX_DEPTH {
                        return Err(format!("nested deeper than {MAX_DEPTH} elements"));
                    }
                    stack.push(start.local_name().as_ref().to_vec());
                    starts.push(before);
                    text.clear();
                    page.opened(&stack, &start, before..after, &mut record, &mut error_code)?;
                }
                Event::Empty(start) => {
                    stack.push(start.local_name().as_ref().to_vec());
                    page.opened(&stack, &start, before..after, &mut record, &mut error_code)?;
                    text.clear();
                    page.closed(&stack, before..after, &text, &mut record, &error_code);
                    stack.pop();
                }
                Event::End(_) => {
                    let start = starts.pop().unwrap_or(before);
                    page.closed(&stack, start..after, &text, &mut record, &error_code);
                    stack.pop();
                    text.clear();
                }
                Event::Text(t) => {
                    let t = t.unescape().map_err(|e| format!("XML text: {e}"))?;
                    text.push_str(&t);
                }
                Event::CData(t) => text.push_str(&String::from_utf8_lossy(&t)),
                Event::DocType(_) => return Err("a DOCTYPE is not accepted".into()),
                Event::Eof if stack.is_empty() => break,
                Event::Eof => return Err("the response ends inside an element".into()),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            }
        }
        match &page.root {
            Some((_, name)) if local(name) == "OAI-PMH" => Ok(page),
            Some((_, name)) => Err(format!(
                "not an OAI-PMH response: the root element is <{name}>"
            )),
            None => Err("not an OAI-PMH response: no root element".into()),
        }
    }

    fn opened(
        &mut self,
        stack: &[Vec<u8>],
        start: &BytesStart,
        span: Range<usize>,
        record: &mut Option<PageRecord>,
        error_code: &mut String,
    ) -> Result<(), String> {
        let qname = String::from_utf8_lossy(start.name().as_ref()).into_owned();
        if stack.len() == 1 {
            self.root = Some((span, qname));
        } else if at(stack, &["OAI-PMH", "ListRecords"]) {
            self.list = Some((span, qname));
        } else if at(stack, &["OAI-PMH", "ListRecords", "record"]) {
            *record = Some(PageRecord {
                identifier: None,
                datestamp: None,
                deleted: false,
                span: 0..0,
            });
        } else if at(stack, &["OAI-PMH", "ListRecords", "record", "header"]) {
            if let Some(record) = record.as_mut() {
                record.deleted = attribute(start, "status")?.as_deref() == Some("deleted");
            }
        } else if at(stack, &["OAI-PMH", "error"]) {
            *error_code = attribute(start, "code")?.unwrap_or_default();
        } else if at(stack, &["OAI-PMH", "ListRecords", "resumptionToken"]) {
            self.complete_size =
                attribute(start, "completeListSize")?.and_then(|s| s.trim().parse().ok());
        }
        Ok(())
    }

    fn closed(
        &mut self,
        stack: &[Vec<u8>],
        span: Range<usize>,
        text: &str,
        record: &mut Option<PageRecord>,
        error_code: &str,
    ) {
        let text = text.trim();
        let header = ["OAI-PMH", "ListRecords", "record", "header"];
        if at(stack, &["OAI-PMH", "responseDate"]) {
            self.response_date = Some(text.to_string());
            self.response_date_span = Some(span);
        } else if at(stack, &["OAI-PMH", "request"]) {
            self.request_span = Some(span);
        } else if at(stack, &["OAI-PMH", "error"]) {
            self.errors.push(OaiError {
                code: error_code.to_string(),
                message: text.to_string(),
            });
        } else if at(stack, &["OAI-PMH", "ListRecords", "resumptionToken"]) {
            self.token = Some(text.to_string()).filter(|t| !t.is_empty());
        } else if at(stack, &["OAI-PMH", "ListRecords", "record"]) {
            if let Some(mut done) = record.take() {
                done.span = span;
                self.records.push(done);
            }
        } else if stack.len() == 5
            && at(&stack[..4], &header)
            && let Some(record) = record.as_mut()
        {
            match stack[4].as_slice() {
                b"identifier" => record.identifier = Some(text.to_string()),
                b"datestamp" => record.datestamp = Some(text.to_string()),
                _ => {}
            }
        }
    }

    /// The OAI error codes of the response.
    pub fn error_codes(&self) -> Vec<&str> {
        self.errors.iter().map(|e| e.code.as_str()).collect()
    }

    /// `record` as a one-record `ListRecords` response.
    pub fn document(&self, record: &PageRecord) -> Vec<u8> {
        let slice = |r: &Range<usize>| self.bytes.get(r.clone()).unwrap_or_default();
        let mut out = Vec::with_capacity(record.span.len() + 1024);
        out.extend_from_slice(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        let (root_span, root_name) = match &self.root {
            Some((span, name)) => (Some(span), name.as_str()),
            None => (None, "OAI-PMH"),
        };
        match root_span {
            Some(span) => out.extend_from_slice(slice(span)),
            None => {
                out.extend_from_slice(b"<OAI-PMH xmlns=\"http://www.openarchives.org/OAI/2.0/\">")
            }
        }
        for span in [&self.response_date_span, &self.request_span]
            .into_iter()
            .flatten()
        {
            out.extend_from_slice(b"\n  ");
            out.extend_from_slice(slice(span));
        }
        out.extend_from_slice(b"\n  ");
        let list_name = match &self.list {
            Some((span, name)) => {
                out.extend_from_slice(slice(span));
                name.as_str()
            }
            None => {
                out.extend_from_slice(b"<ListRecords>");
                "ListRecords"
            }
        };
        out.extend_from_slice(b"\n    ");
        out.extend_from_slice(slice(&record.span));
        out.extend_from_slice(format!("\n  </{list_name}>\n</{root_name}>\n").as_bytes());
        out
    }
}

/// The reader's position as a slice index.
fn position(reader: &Reader<&[u8]>) -> usize {
    usize::try_from(reader.buffer_position()).unwrap_or(usize::MAX)
}

fn local(qname: &str) -> &str {
    qname.rsplit_once(':').map_or(qname, |(_, l)| l)
}

fn attribute(start: &BytesStart, name: &str) -> Result<Option<String>, String> {
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("XML attribute: {e}"))?;
        if attr.key.local_name().as_ref() == name.as_bytes() {
            let value = attr
                .unescape_value()
                .map_err(|e| format!("XML attribute: {e}"))?;
            return Ok(Some(value.into_owned()));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::records::read_xml;
    use crate::ingest::testdata;

    const DUMP: &str = "oai-pmh/dlce-eva+zenodoclient/tests/oaipmh.xml";

    #[test]
    fn the_real_dump_splits_into_two_records_each_read_as_before() {
        let Some(root) = testdata::shared("outputs") else {
            return;
        };
        let file = testdata::file(&root, DUMP);
        let bytes = testdata::bytes(&file);
        let page = Page::parse(&bytes).unwrap();
        assert_eq!(page.response_date.as_deref(), Some("2021-03-24T08:47:35Z"));
        assert_eq!(page.token, None);
        assert!(page.errors.is_empty());
        let ids: Vec<_> = page
            .records
            .iter()
            .map(|r| (r.identifier.as_deref(), r.datestamp.as_deref(), r.deleted))
            .collect();
        assert_eq!(
            ids,
            [
                (
                    Some("oai:zenodo.org:4629306"),
                    Some("2021-03-23T12:27:24Z"),
                    false
                ),
                (Some("oai:zenodo.org:4161623"), ids[1].1, false),
            ]
        );
        let whole = read_xml(&file, &bytes);
        for (record, (doi, title)) in page.records.iter().zip([
            ("10.5281/zenodo.4629306", "TuLeD: Tupían lexical database"),
            (
                "10.5281/zenodo.4161623",
                "CLDF dataset derived from Gerardi and Reichert's \"TuLeD: Tupían lexical database\" from 2020",
            ),
        ]) {
            let doc = page.document(record);
            let one = read_xml(&testdata::inline("one.xml"), &doc);
            assert!(testdata::errors(&one.diagnostics).is_empty(), "{:?}", one.diagnostics);
            assert_eq!(one.articles.len(), 1);
            let article = &one.articles[0];
            assert_eq!(article.title, title);
            let r = article.record.as_deref().unwrap();
            assert_eq!(r.doi.as_deref(), Some(doi));
            assert_eq!(r.creators.len(), 5);
            // The same record as the whole dump gives (its OAI fields included).
            let same = whole.articles.iter().find(|a| a.id == article.id).unwrap();
            assert_eq!(same.record, article.record);
            assert_eq!(same.extra.get("oai"), article.extra.get("oai"));
            // And the one-record document splits again into itself.
            let again = Page::parse(&doc).unwrap();
            assert_eq!(again.records.len(), 1);
            assert_eq!(again.document(&again.records[0]), doc);
        }
    }

    #[test]
    fn tokens_errors_deletions_and_hostile_input() {
        let page = Page::parse(
            br#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2024-01-01T00:00:00Z</responseDate>
<ListRecords><record><header status="deleted"><identifier>oai:x:1</identifier><datestamp>2024</datestamp></header></record>
<resumptionToken completeListSize="9" cursor="0">tok&amp;1</resumptionToken></ListRecords></OAI-PMH>"#,
        )
        .unwrap();
        assert_eq!(page.token.as_deref(), Some("tok&1"));
        assert_eq!(page.complete_size, Some(9));
        assert!(page.records[0].deleted);

        let page = Page::parse(
            br#"<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><error code="noRecordsMatch">none</error></OAI-PMH>"#,
        )
        .unwrap();
        assert_eq!(page.error_codes(), ["noRecordsMatch"]);
        let last = Page::parse(
            br#"<OAI-PMH><ListRecords><resumptionToken completeListSize="2"/></ListRecords></OAI-PMH>"#,
        )
        .unwrap();
        assert_eq!(last.token, None);

        for bad in [
            &b"<!DOCTYPE x [<!ENTITY a 'b'>]><OAI-PMH>&a;</OAI-PMH>"[..],
            b"<html><body>busy</body></html>",
            b"<OAI-PMH><ListRecords></OAI-PMH>",
            b"<OAI-PMH><ListRecords><record>",
            b"",
        ] {
            assert!(
                Page::parse(bad).is_err(),
                "{}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = format!("<OAI-PMH>{}", "<a>".repeat(100));
        assert!(Page::parse(deep.as_bytes()).unwrap_err().contains("deeper"));
    }
}
