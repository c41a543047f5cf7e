//! Requests the router never sees whole: a path whose percent-encoding is not UTF-8, and a
//! request line too long for hyper, which answers 414 itself with an empty body. Both get
//! what every other error gets: problem+json on `/api` and `/hsds`, a page elsewhere, in the
//! request's language.

use std::io;
use std::net::SocketAddr;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::extract::{FromRequestParts, Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::serve::{IncomingStream, Listener};
use mosaique_domain::Language;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

use crate::AppState;
use crate::gate::Ctx;
use crate::i18n::Tr;
use crate::problem::{Problem, ProblemKind};
use crate::shell::PageError;

/// Whether a path is answered with problem+json rather than a page.
fn is_api(path: &str) -> bool {
    ["/api", "/hsds"]
        .iter()
        .any(|root| path == *root || path.starts_with(&format!("{root}/")))
}

/// A path whose `%XX` sequences do not decode to UTF-8 names nothing: refused here, in the
/// request's language, before an extractor answers in English plain text.
pub(crate) async fn reject_malformed_path(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path();
    if percent_encoding::percent_decode_str(path)
        .decode_utf8()
        .is_ok()
    {
        return next.run(request).await;
    }
    let api = is_api(path);
    let (mut parts, _) = request.into_parts();
    let ctx = match Ctx::from_request_parts(&mut parts, &state).await {
        Ok(ctx) => ctx,
        Err(never) => match never {},
    };
    let detail = ctx.tr().t("problem-bad-path");
    if api {
        Problem::new(ProblemKind::BadRequest, ctx.lang)
            .with_detail(detail)
            .into_response()
    } else {
        ctx.error(PageError::BadRequest(detail))
    }
}

/// The public listener: each connection's stream is a [`GuardedStream`].
pub(crate) struct GuardedListener {
    pub inner: TcpListener,
    pub default_language: Language,
}

impl Listener for GuardedListener {
    type Io = GuardedStream;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        let (stream, addr) = Listener::accept(&mut self.inner).await;
        (GuardedStream::new(stream, self.default_language), addr)
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// The peer's address, as the handlers read it (`ConnectInfo<PeerAddr>`).
#[derive(Debug, Clone, Copy)]
pub(crate) struct PeerAddr(pub SocketAddr);

impl axum::extract::connect_info::Connected<IncomingStream<'_, GuardedListener>> for PeerAddr {
    fn connect_info(stream: IncomingStream<'_, GuardedListener>) -> Self {
        PeerAddr(*stream.remote_addr())
    }
}

/// How much of a request's start is kept: the method and enough of the target to read its
/// root and a `lang=` near the front.
const KEPT: usize = 512;

/// Past this many bytes without the end of the request line, hyper answers 414 itself (the
/// `http` crate's limit on a URI is 65,534 bytes).
const LINE_LIMIT: usize = 65_000;

/// A connection that remembers how its latest request began, and replaces the empty 414 that
/// hyper writes for a request line over its limit with an answer that says why. The check is
/// armed only for a request whose line went past that limit: an ordinary response, whatever
/// its body holds, is never looked at.
pub(crate) struct GuardedStream {
    inner: TcpStream,
    default_language: Language,
    /// The first bytes read since the last response began.
    request_start: Vec<u8>,
    /// Whether the next bytes read start a request (after a response, or at first).
    at_request_start: bool,
    /// The length of the current request's first line, so far, and whether it has ended.
    line_open: usize,
    line_ended: bool,
    /// A replacement response being written, and how much of it is out.
    replacement: Option<(Vec<u8>, usize)>,
}

impl GuardedStream {
    fn new(inner: TcpStream, default_language: Language) -> Self {
        GuardedStream {
            inner,
            default_language,
            request_start: Vec::new(),
            at_request_start: true,
            line_open: 0,
            line_ended: false,
            replacement: None,
        }
    }

    /// Whether the current request line is past hyper's limit: hyper answers such a request
    /// with its 414 and nothing else, so no other response is ever looked at.
    fn armed(&self) -> bool {
        self.line_open > LINE_LIMIT
    }

    /// The answer to a request line too long to read, from what is known of its start: its
    /// root decides problem+json or a page, a `lang=` near its front the language (the
    /// headers, which come after the line, were never read).
    fn too_long(&self) -> Vec<u8> {
        let start = String::from_utf8_lossy(&self.request_start);
        let target = start.split(' ').nth(1).unwrap_or("/");
        let lang = target
            .split_once('?')
            .and_then(|(_, query)| crate::lang::query_language(query))
            .unwrap_or(self.default_language);
        let tr = Tr::new(lang);
        let (content_type, body) = if is_api(target.split('?').next().unwrap_or("/")) {
            let problem = Problem::new(ProblemKind::UriTooLong, lang)
                .with_detail(tr.t("problem-uri-too-long-detail"));
            let body = serde_json::to_string(&problem.body()).unwrap_or_default();
            (crate::problem::CONTENT_TYPE, body)
        } else {
            let body = format!(
                "<!doctype html><html lang=\"{}\"><meta charset=\"utf-8\"><title>{}</title>\
                 <h1>{}</h1><p>{}</p></html>",
                lang.code(),
                tr.t("problem-uri-too-long"),
                tr.t("problem-uri-too-long"),
                tr.t("problem-uri-too-long-detail"),
            );
            ("text/html; charset=utf-8", body)
        };
        format!(
            "HTTP/1.1 414 URI Too Long\r\ncontent-type: {content_type}\r\ncontent-language: {}\r\n\
             content-length: {}\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\n\
             connection: close\r\n\r\n{body}",
            lang.code(),
            body.len()
        )
        .into_bytes()
    }

    /// Writes the replacement for hyper's 414 (`buf`), reporting `buf` written once it is
    /// all out; after it, the connection takes nothing more.
    fn poll_replace(&mut self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        if self.replacement.is_none() {
            self.replacement = Some((self.too_long(), 0));
        }
        let Some((reply, sent)) = self.replacement.as_mut() else {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        };
        if *sent >= reply.len() {
            return Poll::Ready(Err(io::ErrorKind::BrokenPipe.into()));
        }
        while *sent < reply.len() {
            match Pin::new(&mut self.inner).poll_write(cx, &reply[*sent..]) {
                Poll::Ready(Ok(0)) => return Poll::Ready(Err(io::ErrorKind::WriteZero.into())),
                Poll::Ready(Ok(n)) => *sent += n,
                Poll::Ready(Err(e)) => return Poll::Ready(Err(e)),
                Poll::Pending => return Poll::Pending,
            }
        }
        Poll::Ready(Ok(buf.len()))
    }

    fn replacing(&self, buf: &[u8]) -> bool {
        self.replacement.is_some() || (self.armed() && buf.starts_with(b"HTTP/1.1 414 "))
    }
}

impl AsyncRead for GuardedStream {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let before = buf.filled().len();
        let polled = Pin::new(&mut self.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = polled {
            let this = &mut *self;
            let read = &buf.filled()[before..];
            if this.at_request_start && !read.is_empty() {
                this.request_start.clear();
                this.at_request_start = false;
                this.line_open = 0;
                this.line_ended = false;
            }
            let room = KEPT.saturating_sub(this.request_start.len());
            this.request_start
                .extend_from_slice(&read[..read.len().min(room)]);
            if !this.line_ended {
                let line = read.iter().position(|b| *b == b'\n');
                this.line_ended = line.is_some();
                this.line_open = this.line_open.saturating_add(line.unwrap_or(read.len()));
            }
        }
        polled
    }
}

impl AsyncWrite for GuardedStream {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        if this.replacing(buf) {
            return this.poll_replace(cx, buf);
        }
        this.at_request_start = true;
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        let this = &mut *self;
        let first = bufs
            .iter()
            .find(|b| !b.is_empty())
            .map_or(&[][..], |b| &**b);
        if this.replacing(first) {
            return this.poll_replace(cx, first);
        }
        this.at_request_start = true;
        Pin::new(&mut this.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}
