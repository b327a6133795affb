//! Getting a feed over HTTP: conditional requests, a size cap, and failures as one clear sentence.

use std::collections::BTreeMap;
use std::io::Read as _;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// What a server said about a feed's last version, sent back so an unchanged feed costs a 304.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Validators {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
}

/// Validators by feed URL, kept in the data directory between runs.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct FetchState {
    pub feeds: BTreeMap<String, Validators>,
}

impl FetchState {
    /// A missing or unreadable file only costs full downloads, so it is an empty state.
    pub fn load(path: &Path) -> Self {
        std::fs::read(path)
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok())
            .unwrap_or_default()
    }

    pub fn save(&self, path: &Path) -> std::io::Result<()> {
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(std::io::Error::other)?;
        super::write::replace_file(path, &json)
    }
}

pub enum Response {
    NotModified,
    Feed {
        body: Vec<u8>,
        validators: Validators,
    },
}

/// An agent for every feed of one run. Status codes are looked at here, not turned into errors,
/// so a 304 and a 500 are told apart plainly.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(10)
        .user_agent(concat!(
            "tidings/",
            env!("CARGO_PKG_VERSION"),
            " (feed reader)"
        ))
        .accept(
            "application/rss+xml, application/atom+xml, application/feed+json, \
             application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8",
        )
        .build()
        .into()
}

/// Gets `url`, reading at most `max_body` bytes of it (one more tells it is too large).
pub fn get(
    agent: &ureq::Agent,
    url: &str,
    known: Option<&Validators>,
    timeout: Duration,
    max_body: u64,
) -> Result<Response, String> {
    let mut request = agent
        .get(url)
        .config()
        .timeout_global(Some(timeout))
        .build();
    if let Some(known) = known {
        if let Some(etag) = &known.etag {
            request = request.header("If-None-Match", etag);
        }
        if let Some(modified) = &known.last_modified {
            request = request.header("If-Modified-Since", modified);
        }
    }
    let mut response = request.call().map_err(|e| describe(&e, timeout))?;
    let status = response.status();
    if status == ureq::http::StatusCode::NOT_MODIFIED {
        return Ok(Response::NotModified);
    }
    if status.is_redirection() {
        return Err(format!("HTTP {status} without a usable Location"));
    }
    if !status.is_success() {
        return Err(format!("HTTP {status}"));
    }
    let header = |name: &str| {
        response
            .headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let validators = Validators {
        etag: header("etag"),
        last_modified: header("last-modified"),
    };
    let mut body = Vec::new();
    response
        .body_mut()
        .as_reader()
        .take(max_body + 1)
        .read_to_end(&mut body)
        .map_err(|e| {
            match e
                .get_ref()
                .and_then(|inner| inner.downcast_ref::<ureq::Error>())
            {
                Some(inner) => describe(inner, timeout),
                None => format!("cannot read the response: {e}"),
            }
        })?;
    if body.len() as u64 > max_body {
        return Err(format!(
            "the response is larger than {} MB; not read",
            max_body / 1_000_000
        ));
    }
    Ok(Response::Feed { body, validators })
}

fn describe(error: &ureq::Error, timeout: Duration) -> String {
    match error {
        ureq::Error::HostNotFound => "host not found (DNS lookup failed)".to_owned(),
        ureq::Error::ConnectionFailed => "could not connect".to_owned(),
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionRefused => {
            "connection refused".to_owned()
        }
        ureq::Error::Io(io) if io.kind() == std::io::ErrorKind::TimedOut => {
            format!("timed out after {:.1} s", timeout.as_secs_f64())
        }
        ureq::Error::Timeout(_) => format!("timed out after {:.1} s", timeout.as_secs_f64()),
        ureq::Error::TooManyRedirects => "too many redirects (a redirect loop?)".to_owned(),
        ureq::Error::Tls(_) | ureq::Error::Rustls(_) => format!("TLS failed: {error}"),
        other => other.to_string(),
    }
}
