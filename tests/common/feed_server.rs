//! A feed server for tests, on 127.0.0.1 and a free port: feeds with ETags (a matching
//! `If-None-Match` gets a 304), gzip, error statuses, redirects, endless and slow bodies.
// Each test crate that includes this uses only some of it.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// What the test server answers for a path.
#[derive(Clone)]
pub enum Route {
    /// A body with an ETag; a request naming that ETag gets a 304.
    Feed {
        body: String,
        content_type: &'static str,
        etag: String,
    },
    Status(u16),
    RedirectTo(String),
    /// `bytes` of filler, sent in chunks until the client hangs up.
    Huge(usize),
    /// Answers nothing for this long.
    Slow(Duration),
    /// The body gzipped, when the request accepts gzip (else a 406).
    Gzipped(String),
}

pub struct Server {
    pub port: u16,
    routes: Arc<Mutex<HashMap<String, Route>>>,
    /// Every answer, in order: the path and its status.
    answered: Arc<Mutex<Vec<(String, u16)>>>,
}

impl Server {
    pub fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let routes: Arc<Mutex<HashMap<String, Route>>> = Arc::default();
        let answered: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
        let (r, a) = (routes.clone(), answered.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let (r, a) = (r.clone(), a.clone());
                std::thread::spawn(move || serve(stream, &r, &a));
            }
        });
        Self {
            port,
            routes,
            answered,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port)
    }

    pub fn route(&self, path: &str, route: Route) {
        self.routes.lock().unwrap().insert(path.to_owned(), route);
    }

    pub fn feed(&self, path: &str, body: &str, content_type: &'static str, etag: &str) {
        self.route(
            path,
            Route::Feed {
                body: body.to_owned(),
                content_type,
                etag: format!("\"{etag}\""),
            },
        );
    }

    pub fn statuses(&self, path: &str) -> Vec<u16> {
        self.answered
            .lock()
            .unwrap()
            .iter()
            .filter(|(p, _)| p == path)
            .map(|(_, s)| *s)
            .collect()
    }
}

fn serve(
    mut stream: TcpStream,
    routes: &Mutex<HashMap<String, Route>>,
    answered: &Mutex<Vec<(String, u16)>>,
) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let path = request_line
        .split_whitespace()
        .nth(1)
        .unwrap_or("/")
        .to_owned();
    let mut headers = HashMap::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line.trim().is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            headers.insert(name.trim().to_lowercase(), value.trim().to_owned());
        }
    }
    let route = routes.lock().unwrap().get(&path).cloned();
    let mut respond = |status: u16, reason: &str, extra: &str, body: &[u8]| {
        answered.lock().unwrap().push((path.clone(), status));
        let head = format!(
            "HTTP/1.1 {status} {reason}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match route {
        None => respond(404, "Not Found", "", b"no such feed"),
        Some(Route::Feed {
            body,
            content_type,
            etag,
        }) => {
            if headers.get("if-none-match") == Some(&etag) {
                respond(304, "Not Modified", &format!("ETag: {etag}\r\n"), b"");
            } else {
                let extra = format!("ETag: {etag}\r\nContent-Type: {content_type}\r\n");
                respond(200, "OK", &extra, body.as_bytes());
            }
        }
        Some(Route::Status(status)) => respond(status, "Server Error", "", b"broken"),
        Some(Route::RedirectTo(to)) => {
            respond(302, "Found", &format!("Location: {to}\r\n"), b"");
        }
        Some(Route::Huge(bytes)) => {
            answered.lock().unwrap().push((path.clone(), 200));
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nContent-Length: {bytes}\r\n\r\n"
            );
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b' '; 64 * 1024];
            let mut sent = 0;
            while sent < bytes {
                if stream.write_all(&chunk).is_err() {
                    return;
                }
                sent += chunk.len();
            }
        }
        Some(Route::Gzipped(body)) => {
            if headers
                .get("accept-encoding")
                .is_some_and(|a| a.contains("gzip"))
            {
                let mut encoder =
                    flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
                encoder.write_all(body.as_bytes()).unwrap();
                let gzipped = encoder.finish().unwrap();
                let extra = "Content-Type: application/rss+xml\r\nContent-Encoding: gzip\r\n";
                respond(200, "OK", extra, &gzipped);
            } else {
                respond(406, "Not Acceptable", "", b"gzip only");
            }
        }
        Some(Route::Slow(delay)) => {
            std::thread::sleep(delay);
            respond(
                200,
                "OK",
                "",
                b"<rss version=\"2.0\"><channel></channel></rss>",
            );
        }
    }
}
