//! The protocol between the server and a worker: length-prefixed binary frames.
//!
//! - request: `u32` length (little endian), then a JSON [`WireRequest`];
//! - reply: an 18-byte header ([`ReplyHeader`]: kind, content-type length, rows,
//!   body length), the content type, then the body. An answer's body is the
//!   serialised result exactly as it goes to the client, never escaped or
//!   copied into another encoding; an error's body is the JSON of its [`SparqlError`].
//!
//! The worker writes synchronously ([`write_reply`]); the pool reads with tokio
//! ([`read_reply`]).

use std::io::{self, IoSlice, Read, Write};

use serde::{Deserialize, Serialize};
use tokio::io::{AsyncRead, AsyncReadExt};

use crate::config::SparqlConfig;
use crate::query::SparqlError;
use crate::query::sparql::{self, MAX_QUERY_BYTES, SparqlRequest, SparqlResponse};

/// Largest request frame a worker reads: the query limit plus room for the
/// escaping and the other fields. A longer one means the stream is out of step.
const MAX_REQUEST_FRAME: usize = 8 * MAX_QUERY_BYTES;

/// Bytes of a reply header.
pub const HEADER_LEN: usize = 18;

/// A request as sent to a worker.
#[derive(Debug, Serialize, Deserialize)]
pub struct WireRequest {
    pub settings: SparqlConfig,
    pub query: String,
    pub default_graphs: Vec<String>,
    pub named_graphs: Vec<String>,
    pub format: Option<String>,
    pub accept: Vec<String>,
}

impl WireRequest {
    pub fn new(settings: &SparqlConfig, request: &SparqlRequest) -> WireRequest {
        WireRequest {
            settings: settings.clone(),
            query: request.query.clone(),
            default_graphs: request.default_graphs.clone(),
            named_graphs: request.named_graphs.clone(),
            format: request.format.clone(),
            accept: request.accept.clone(),
        }
    }

    /// The request part (without the settings).
    pub fn into_parts(self) -> (SparqlConfig, SparqlRequest) {
        (
            self.settings,
            SparqlRequest {
                query: self.query,
                default_graphs: self.default_graphs,
                named_graphs: self.named_graphs,
                format: self.format,
                accept: self.accept,
            },
        )
    }

    /// The whole frame: length prefix and JSON.
    pub fn encode(&self) -> Result<Vec<u8>, SparqlError> {
        let json = serde_json::to_vec(self)
            .map_err(|e| SparqlError::Evaluation(format!("encoding the request: {e}")))?;
        let len = u32::try_from(json.len())
            .ok()
            .filter(|&n| (n as usize) <= MAX_REQUEST_FRAME)
            .ok_or(SparqlError::QueryTooLarge {
                len: json.len(),
                max: MAX_QUERY_BYTES,
            })?;
        let mut frame = Vec::with_capacity(4 + json.len());
        frame.extend_from_slice(&len.to_le_bytes());
        frame.extend_from_slice(&json);
        Ok(frame)
    }
}

/// Reads the next request; `None` when the input ended between frames (the
/// server closed it). A frame that is not JSON is an error for that request
/// only: the stream is still in step.
pub fn read_request(input: &mut impl Read) -> io::Result<Option<Result<WireRequest, SparqlError>>> {
    let mut len = [0u8; 4];
    match input.read_exact(&mut len) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(None),
        Err(e) => return Err(e),
    }
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_REQUEST_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("a request frame of {len} bytes: out of step"),
        ));
    }
    let mut json = vec![0; len];
    input.read_exact(&mut json)?;
    Ok(Some(serde_json::from_slice(&json).map_err(|e| {
        SparqlError::Evaluation(format!("worker request: {e}"))
    })))
}

/// What a reply carries.
#[derive(Debug, Clone, Copy, PartialEq)]
#[repr(u8)]
pub enum Kind {
    /// The worker has loaded the store (sent once, at start).
    Ready = b'R',
    /// Serialised results follow.
    Answer = b'A',
    /// A JSON [`SparqlError`] follows.
    Error = b'E',
}

/// The fixed part of a reply.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReplyHeader {
    pub kind: Kind,
    pub content_type_len: u8,
    pub rows: u64,
    pub body_len: u64,
}

impl ReplyHeader {
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut bytes = [0u8; HEADER_LEN];
        bytes[0] = self.kind as u8;
        bytes[1] = self.content_type_len;
        bytes[2..10].copy_from_slice(&self.rows.to_le_bytes());
        bytes[10..18].copy_from_slice(&self.body_len.to_le_bytes());
        bytes
    }

    pub fn decode(bytes: &[u8; HEADER_LEN]) -> io::Result<ReplyHeader> {
        let kind = match bytes[0] {
            b'R' => Kind::Ready,
            b'A' => Kind::Answer,
            b'E' => Kind::Error,
            other => {
                return Err(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("reply kind {other:#04x}: out of step"),
                ));
            }
        };
        let u64_at = |at: usize| {
            let mut word = [0u8; 8];
            word.copy_from_slice(&bytes[at..at + 8]);
            u64::from_le_bytes(word)
        };
        Ok(ReplyHeader {
            kind,
            content_type_len: bytes[1],
            rows: u64_at(2),
            body_len: u64_at(10),
        })
    }
}

/// Says the store is loaded.
pub fn write_ready(out: &mut impl Write) -> io::Result<()> {
    let header = ReplyHeader {
        kind: Kind::Ready,
        content_type_len: 0,
        rows: 0,
        body_len: 0,
    };
    out.write_all(&header.encode())?;
    out.flush()
}

/// Sends one answer or error: header, content type and body in one vectored
/// write, so the reader wakes once for a body that fits the pipe.
pub fn write_reply(
    out: &mut impl Write,
    result: Result<SparqlResponse, SparqlError>,
) -> io::Result<()> {
    let (kind, content_type, rows, body) = match result {
        Ok(answer) => (
            Kind::Answer,
            answer.content_type.as_bytes(),
            answer.rows as u64,
            answer.body,
        ),
        Err(e) => {
            let body = serde_json::to_vec(&e).map_err(io::Error::other)?;
            (Kind::Error, &[][..], 0, body)
        }
    };
    let content_type_len = u8::try_from(content_type.len())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "content type too long"))?;
    let header = ReplyHeader {
        kind,
        content_type_len,
        rows,
        body_len: body.len() as u64,
    }
    .encode();
    write_all_parts(
        out,
        &mut [
            IoSlice::new(&header),
            IoSlice::new(content_type),
            IoSlice::new(&body),
        ],
    )?;
    out.flush()
}

/// `write_all` for several buffers (the standard one is not stable yet).
fn write_all_parts(out: &mut impl Write, mut parts: &mut [IoSlice<'_>]) -> io::Result<()> {
    IoSlice::advance_slices(&mut parts, 0);
    while !parts.is_empty() {
        match out.write_vectored(parts) {
            Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
            Ok(n) => IoSlice::advance_slices(&mut parts, n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

/// A reply as the pool reads it.
#[derive(Debug)]
pub enum Reply {
    Ready,
    /// The query's outcome: results, or the query's own error (the worker is fine).
    Answer(Result<SparqlResponse, SparqlError>),
}

/// Room for an error's JSON beside the largest result body a reply may carry.
const ERROR_ROOM: u64 = 64 * 1024;

/// Reads one reply whose body is at most `max_body` bytes (the result size
/// cap: a worker never sends more, so a longer one is out of step and is not
/// buffered). An I/O error, including the end of the output, means the
/// worker is gone or out of step.
pub async fn read_reply(input: &mut (impl AsyncRead + Unpin), max_body: u64) -> io::Result<Reply> {
    let mut header = [0u8; HEADER_LEN];
    input.read_exact(&mut header).await?;
    let header = ReplyHeader::decode(&header)?;
    let mut content_type = [0u8; u8::MAX as usize];
    let content_type = &mut content_type[..header.content_type_len as usize];
    input.read_exact(content_type).await?;
    if header.body_len > max_body.saturating_add(ERROR_ROOM) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "a reply of {} bytes, over the result limit: out of step",
                header.body_len
            ),
        ));
    }
    let body = read_body(input, header.body_len).await?;
    Ok(match header.kind {
        Kind::Ready => Reply::Ready,
        Kind::Answer => Reply::Answer(Ok(SparqlResponse {
            content_type: sparql::static_content_type(&String::from_utf8_lossy(content_type)),
            body,
            rows: usize::try_from(header.rows).unwrap_or(usize::MAX),
        })),
        Kind::Error => {
            let error: SparqlError = serde_json::from_slice(&body).map_err(io::Error::other)?;
            Reply::Answer(Err(error))
        }
    })
}

/// Reads `len` bytes without zero-filling them first; a length the allocator
/// refuses (a garbled header) is an error, not an abort.
async fn read_body(input: &mut (impl AsyncRead + Unpin), len: u64) -> io::Result<Vec<u8>> {
    let too_long = || io::Error::new(io::ErrorKind::InvalidData, "reply body too long");
    let len = usize::try_from(len).map_err(|_| too_long())?;
    let mut body = Vec::new();
    body.try_reserve_exact(len).map_err(|_| too_long())?;
    input.take(len as u64).read_to_end(&mut body).await?;
    if body.len() < len {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply_bytes(result: Result<SparqlResponse, SparqlError>) -> Vec<u8> {
        let mut bytes = Vec::new();
        write_reply(&mut bytes, result).unwrap();
        bytes
    }

    #[tokio::test]
    async fn an_answer_body_crosses_unchanged() {
        let body = b"{\"head\":{}}\n\"quoted\"\\ \x00 and newlines\n".to_vec();
        let bytes = reply_bytes(Ok(SparqlResponse {
            content_type: "application/sparql-results+json",
            body: body.clone(),
            rows: 7,
        }));
        assert_eq!(
            bytes.len(),
            HEADER_LEN + "application/sparql-results+json".len() + body.len(),
            "no escaping"
        );
        let Reply::Answer(Ok(answer)) = read_reply(&mut bytes.as_slice(), 1 << 20).await.unwrap()
        else {
            panic!("not an answer");
        };
        assert_eq!(answer.body, body);
        assert_eq!(answer.rows, 7);
        assert_eq!(answer.content_type, "application/sparql-results+json");
    }

    #[tokio::test]
    async fn errors_keep_their_type() {
        let bytes = reply_bytes(Err(SparqlError::syntax("error at 1:5: expected")));
        let reply = read_reply(&mut bytes.as_slice(), 1 << 20).await.unwrap();
        assert!(
            matches!(reply, Reply::Answer(Err(ref e @ SparqlError::Syntax { .. })) if e.position() == Some((1, 5))),
            "{reply:?}"
        );
    }

    #[tokio::test]
    async fn a_cut_or_garbled_reply_is_an_error() {
        let mut bytes = Vec::new();
        write_ready(&mut bytes).unwrap();
        assert!(matches!(
            read_reply(&mut bytes.as_slice(), 1 << 20).await.unwrap(),
            Reply::Ready
        ));
        let full = reply_bytes(Ok(SparqlResponse {
            content_type: "text/csv; charset=utf-8",
            body: vec![b'x'; 1000],
            rows: 1,
        }));
        let cut = &full[..full.len() - 1];
        assert!(read_reply(&mut &cut[..], 1 << 20).await.is_err());
        let mut garbled = full.clone();
        garbled[0] = b'{';
        assert!(read_reply(&mut garbled.as_slice(), 1 << 20).await.is_err());
        let mut huge = full;
        huge[10..18].copy_from_slice(&u64::MAX.to_le_bytes());
        assert!(read_reply(&mut huge.as_slice(), u64::MAX).await.is_err());
        // A body over the caller's limit is refused before it is read.
        let mut long = huge.clone();
        long[10..18].copy_from_slice(&(200_000u64).to_le_bytes());
        let err = read_reply(&mut long.as_slice(), 1000).await.unwrap_err();
        assert!(err.to_string().contains("over the result limit"), "{err}");
    }

    #[test]
    fn requests_round_trip_and_end_cleanly() {
        let request = SparqlRequest {
            query: "SELECT * WHERE { ?s ?p \"é\\n\" }".into(),
            default_graphs: vec!["http://example.org/g".into()],
            format: Some("csv".into()),
            ..Default::default()
        };
        let mut stream = WireRequest::new(&SparqlConfig::default(), &request)
            .encode()
            .unwrap();
        stream.extend_from_slice(&5u32.to_le_bytes());
        stream.extend_from_slice(b"nope!");
        let mut input = stream.as_slice();
        let (_, decoded) = read_request(&mut input)
            .unwrap()
            .unwrap()
            .unwrap()
            .into_parts();
        assert_eq!(decoded.query, request.query);
        assert_eq!(decoded.default_graphs, request.default_graphs);
        assert_eq!(decoded.format, request.format);
        assert!(read_request(&mut input).unwrap().unwrap().is_err());
        assert!(read_request(&mut input).unwrap().is_none());
    }
}
